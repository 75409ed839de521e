using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Health;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Gateway.Pipeline.Stages;
using NeuralSec.Gateway.Protocol;
using NeuralSec.Gateway.Services;

namespace NeuralSec.Gateway.FrontDoor;

/// <summary>
/// The one way into the sidecar, whatever the transport: health, metadata, readiness and inference, each answered as
/// a value or a <see cref="PipelineRejection"/>. gRPC (<see cref="InferenceGrpcService"/>) and REST
/// (<see cref="Rest.RestEndpoints"/>) only decode their wire into these calls and write the result back, so both
/// refuse the same request with the same status, reason code and message.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "The front door is the one instance both transports ask; that some answers are constant today is its own business.")]
internal sealed class InferenceFrontDoor(InferencePipeline pipeline, InferenceAdmission admission, IModelBackend backend, ShutdownState shutdown, IOptions<GatewayOptions> options) : IReadinessSource
{
    private readonly ServerOptions _server = options.Value.Server;

    /// <summary>The process is up (liveness): true whenever it can answer at all.</summary>
    public bool IsLive => true;

    /// <summary>The sidecar can serve inference and is not draining for shutdown (readiness). The one answer every
    /// readiness question reads: ServerReady, <c>/v2/health/ready</c> and grpc.health.v1 (<see cref="Health.ReadinessMonitor"/>).</summary>
    public bool IsReady => !shutdown.Draining && backend.IsReady;

    public string ServerName => _server.Name;

    public string ServerVersion => ServerInfo.Version;

    public IReadOnlyList<string> Extensions => ServerInfo.Extensions;

    /// <summary>A model's signature.</summary>
    public async ValueTask<FrontDoorResult<ModelDescriptor>> ModelMetadataAsync(string name, string? version, CancellationToken cancellationToken)
    {
        if (CheckIdentifiers(name, version, callerRequestId: null) is { } invalid)
        {
            return invalid;
        }

        try
        {
            var model = await backend.GetModelAsync(name, NullIfEmpty(version), cancellationToken).ConfigureAwait(false);
            return model is null ? NotFound(name, version) : model;
        }
        catch (BackendException ex)
        {
            return BackendFaults.ToRejection(ex);
        }
        catch (OperationCanceledException)
        {
            return Cancelled();
        }
    }

    /// <summary>Whether a model can take requests. A model or server that is missing is simply not ready: the
    /// question has a plain answer then; only a malformed name is refused.</summary>
    public async ValueTask<FrontDoorResult<bool>> ModelReadyAsync(string name, string? version, CancellationToken cancellationToken)
    {
        if (CheckIdentifiers(name, version, callerRequestId: null) is { } invalid)
        {
            return invalid;
        }

        try
        {
            return await backend.IsModelReadyAsync(name, NullIfEmpty(version), cancellationToken).ConfigureAwait(false);
        }
        catch (BackendException ex)
        {
            return BackendFaults.ToRejection(ex);
        }
        catch (OperationCanceledException)
        {
            return Cancelled();
        }
    }

    /// <summary>
    /// Runs one inference: admits it (or sheds it, under overload, before anything is decoded), decodes it with
    /// <paramref name="decode"/>, and runs the pipeline. The returned context holds the outputs, or the refusal in
    /// <see cref="InferenceContext.Rejection"/>.
    /// </summary>
    /// <param name="requestId">The id already put on the transport's response.</param>
    /// <param name="modelName">The model the route or message names, for a shed request's count.</param>
    public async ValueTask<InferenceContext> InferAsync(
        string requestId,
        string modelName,
        Func<CancellationToken, ValueTask<InferenceRequest>> decode,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decode);
        var (lease, shed) = await admission.EnterAsync(cancellationToken).ConfigureAwait(false);
        using (lease)
        {
            var request = shed is null
                ? await decode(cancellationToken).ConfigureAwait(false)
                : new InferenceRequest { RequestId = requestId, ModelName = modelName, DecodeRejection = shed };
            if (CheckIdentifiers(request.ModelName, request.ModelVersion, request.CallerRequestId) is { } invalid)
            {
                // Refused as undecodable (counted, no stage but alerting runs), with the names cut here so that
                // nothing after the door carries an unbounded caller string.
                request = request with
                {
                    ModelName = CallerText.Escape(request.ModelName),
                    ModelVersion = null,
                    CallerRequestId = string.Empty,
                    Inputs = [],
                    DecodeRejection = invalid,
                };
            }

            var context = new InferenceContext(request);
            await pipeline.RunAsync(context, cancellationToken).ConfigureAwait(false);
            return context;
        }
    }

    /// <summary>Names and ids a caller chose, refused when no server could mean them (empty, over-long), so that
    /// nothing downstream — messages, logs, alerts, metric labels — carries an unbounded caller string.</summary>
    public static PipelineRejection? CheckIdentifiers(string name, string? version, string? callerRequestId)
    {
        if (string.IsNullOrEmpty(name))
        {
            return PipelineRejection.Invalid("bad_model_name", "the model name is empty");
        }

        if (name.Length > CallerText.MaxIdentifierLength)
        {
            return PipelineRejection.Invalid("bad_model_name", $"the model name is {name.Length} characters long; at most {CallerText.MaxIdentifierLength} are accepted");
        }

        if (version is { Length: > CallerText.MaxIdentifierLength })
        {
            return PipelineRejection.Invalid("bad_model_version", $"the model version is {version.Length} characters long; at most {CallerText.MaxIdentifierLength} are accepted");
        }

        return callerRequestId is { Length: > CallerText.MaxIdentifierLength }
            ? PipelineRejection.Invalid("bad_request_id", $"the request id is {callerRequestId.Length} characters long; at most {CallerText.MaxIdentifierLength} are accepted")
            : null;
    }

    private static PipelineRejection NotFound(string name, string? version) => string.IsNullOrEmpty(version)
        ? PipelineRejection.ModelNotFound(name)
        : new PipelineRejection(RejectionKind.NotFound, "model_not_found", $"model {CallerText.Quote(name)} version {CallerText.Quote(version)} is not served here");

    private static PipelineRejection Cancelled() =>
        new(RejectionKind.DeadlineExceeded, "cancelled", "the request was cancelled or its deadline passed");

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
