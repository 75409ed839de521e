using System.Security.Cryptography.X509Certificates;
using NeuralSec.Detectors.Tensors;

namespace NeuralSec.Gateway.Pipeline;

/// <summary>
/// One inference request as the front door hands it to the pipeline, whichever transport it came on: what the
/// caller sent and what the connection says about it. Immutable; every field is bounded by the front door (names and
/// ids by <see cref="Protocol.CallerText.MaxIdentifierLength"/>, tensors by the limits).
/// </summary>
internal sealed record InferenceRequest
{
    /// <summary>The sidecar's own id for this request: in trailers, logs and alerts.</summary>
    public required string RequestId { get; init; }

    public required string ModelName { get; init; }

    /// <summary>Null when the caller asked for no particular version.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>The tensors as the caller sent them (empty when they could not be decoded).</summary>
    public IReadOnlyList<InferenceTensor> Inputs { get; init; } = [];

    /// <summary>Why the transport could not decode the request, when it could not; the pipeline then refuses it
    /// without running a stage but the alert stage.</summary>
    public PipelineRejection? DecodeRejection { get; init; }

    /// <summary>The <c>id</c> the caller put in its request, echoed in the response.</summary>
    public string CallerRequestId { get; init; } = string.Empty;

    /// <summary><c>grpc</c> or <c>rest</c>, for logs and alerts.</summary>
    public string Protocol { get; init; } = "grpc";

    public ResponseEncoding Encoding { get; init; } = ResponseEncoding.Typed;

    /// <summary>Outputs the caller asked for; empty means all.</summary>
    public IReadOnlyList<string> RequestedOutputs { get; init; } = [];

    /// <summary>Request headers / metadata, case-insensitive, for the identity stage.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = EmptyHeaders;

    /// <summary>The caller's deadline (UTC), when it set one.</summary>
    public DateTime? Deadline { get; init; }

    /// <summary>The verified TLS client certificate, when the connection presented one.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>The caller's network address.</summary>
    public string? RemoteAddress { get; init; }

    private static readonly IReadOnlyDictionary<string, string> EmptyHeaders =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
