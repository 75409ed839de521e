using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Health;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Gateway.Pipeline.Stages;
using NeuralSec.Gateway.Protocol;
using NeuralSec.Gateway.Services;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.FrontDoor;

/// <summary>
/// The one way into the sidecar, whatever the transport: health, metadata, readiness and inference, each answered as
/// a value or a <see cref="PipelineRejection"/>. gRPC (<see cref="InferenceGrpcService"/>) and REST
/// (<see cref="Rest.RestEndpoints"/>) only decode their wire into these calls and write the result back, so both
/// refuse the same request with the same status, reason code and message.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822:Mark members as static", Justification = "The front door is the one instance both transports ask; that some answers are constant today is its own business.")]
internal sealed class InferenceFrontDoor(
    InferencePipeline pipeline,
    InferenceAdmission admission,
    IModelBackend backend,
    IModelRepository repository,
    ShutdownState shutdown,
    IOptions<GatewayOptions> options) : IReadinessSource
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

    /// <summary>A model's Triton configuration. Like metadata, it describes the model and runs no stage of the
    /// pipeline.</summary>
    public async ValueTask<FrontDoorResult<ModelConfigResponse>> ModelConfigAsync(string name, string? version, CancellationToken cancellationToken)
    {
        if (CheckIdentifiers(name, version, callerRequestId: null) is { } invalid)
        {
            return invalid;
        }

        var request = new ModelConfigRequest { Name = name, Version = version ?? string.Empty };
        return await AskAsync(name, version, repository.GetModelConfigAsync(request, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Cumulative statistics of one model (or version), or of every model when <paramref name="name"/> is
    /// empty. Statistics exist only for models the backend serves: an unknown name is NOT_FOUND, never a new entry.</summary>
    public async ValueTask<FrontDoorResult<ModelStatisticsResponse>> ModelStatisticsAsync(string? name, string? version, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(name))
        {
            if (!string.IsNullOrEmpty(version))
            {
                return PipelineRejection.Invalid("bad_model_name", "a model version needs a model name");
            }
        }
        else if (CheckIdentifiers(name, version, callerRequestId: null) is { } invalid)
        {
            return invalid;
        }

        var request = new ModelStatisticsRequest { Name = name ?? string.Empty, Version = version ?? string.Empty };
        return await AskAsync(name ?? string.Empty, version, repository.GetModelStatisticsAsync(request, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>The models the backend serves, each with its state.</summary>
    public async ValueTask<FrontDoorResult<RepositoryIndexResponse>> RepositoryIndexAsync(string? repositoryName, bool readyOnly, CancellationToken cancellationToken)
    {
        if (repositoryName is { Length: > CallerText.MaxIdentifierLength })
        {
            return PipelineRejection.Invalid("bad_repository_name", $"the repository name is {repositoryName.Length} characters long; at most {CallerText.MaxIdentifierLength} are accepted");
        }

        var request = new RepositoryIndexRequest { RepositoryName = repositoryName ?? string.Empty, Ready = readyOnly };
        try
        {
            return await repository.GetRepositoryIndexAsync(request, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Awaits a repository answer: null is the model not found, in the same words as ModelMetadata.</summary>
    private static async ValueTask<FrontDoorResult<T>> AskAsync<T>(string name, string? version, ValueTask<T?> answer)
        where T : class
    {
        try
        {
            var value = await answer.ConfigureAwait(false);
            return value is null ? NotFound(name, version) : value;
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

    private static PipelineRejection NotFound(string name, string? version) => string.IsNullOrEmpty(version)
        ? PipelineRejection.ModelNotFound(name)
        : new PipelineRejection(RejectionKind.NotFound, "model_not_found", $"model {CallerText.Quote(name)} version {CallerText.Quote(version)} is not served here");

    private static PipelineRejection Cancelled() =>
        new(RejectionKind.DeadlineExceeded, "cancelled", "the request was cancelled or its deadline passed");

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
