using System.Security.Cryptography.X509Certificates;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Decisions;
using NeuralSec.Gateway.Identity;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Pipeline;

/// <summary>
/// Everything one inference request carries through the pipeline: what the caller sent, what each stage
/// learned, and what goes back. Created per request by the gRPC or REST front end; stages read and amend it.
/// </summary>
internal sealed class InferenceContext
{
    public InferenceContext(string requestId, string modelName, string? modelVersion, IReadOnlyList<InferenceTensor> inputs)
    {
        RequestId = requestId;
        ModelName = modelName;
        ModelVersion = string.IsNullOrEmpty(modelVersion) ? null : modelVersion;
        Inputs = inputs;
        OriginalInputs = inputs;
    }

    /// <summary>The tensors as the caller sent them: what detectors score, whatever preprocessing forwards.</summary>
    public IReadOnlyList<InferenceTensor> OriginalInputs { get; }

    /// <summary>The sidecar's own id for this request: in trailers, logs and alerts.</summary>
    public string RequestId { get; }

    /// <summary>The <c>id</c> the caller put in its request, echoed in the response.</summary>
    public string CallerRequestId { get; init; } = string.Empty;

    public string ModelName { get; }

    public string? ModelVersion { get; }

    /// <summary><c>grpc</c> or <c>rest</c>, for logs and alerts.</summary>
    public string Protocol { get; init; } = "grpc";

    public ResponseEncoding Encoding { get; init; } = ResponseEncoding.Typed;

    /// <summary>The caller's deadline (UTC), when it set one.</summary>
    public DateTime? Deadline { get; init; }

    /// <summary>Request headers / metadata, case-insensitive, for the identity stage.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = EmptyHeaders;

    /// <summary>The tensors to forward. Preprocessing defenses replace them with purified copies.</summary>
    public IReadOnlyList<InferenceTensor> Inputs { get; set; }

    /// <summary>Outputs the caller asked for; empty means all.</summary>
    public IReadOnlyList<string> RequestedOutputs { get; init; } = [];

    /// <summary>The verified TLS client certificate, when the connection presented one.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>The caller's network address, for alerts.</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>What the caller proved or claimed (identity stage); the policy stage decides what it accepts.</summary>
    public CallerIdentity Identity { get; set; } = CallerIdentity.None;

    /// <summary>The accepted client id (policy stage): rate limits, extraction tracking and alerts key on it.</summary>
    public string ClientId { get; set; } = "unidentified";

    /// <summary>The policy governing this request, set by the policy stage.</summary>
    public FirewallPolicy? Policy { get; set; }

    /// <summary>Every verdict and the resulting decision.</summary>
    public DecisionRecord Decision { get; } = new();

    /// <summary>The model's declared signature, set by validation.</summary>
    public ModelDescriptor? Model { get; set; }

    /// <summary>The model's answer to the caller's original inputs when a detector already computed it (feature
    /// squeezing runs the original in its batch); forwarding reuses it when nothing changed the inputs.</summary>
    public BackendInferResult? AnswerForOriginal { get; set; }

    /// <summary>The version that answered, set by forwarding.</summary>
    public string? ServedVersion { get; set; }

    /// <summary>The model's outputs, set by forwarding; output hardening may replace them.</summary>
    public IReadOnlyList<InferenceTensor> Outputs { get; set; } = [];

    /// <summary>Set when a stage refused the request.</summary>
    public PipelineRejection? Rejection { get; set; }

    private static readonly IReadOnlyDictionary<string, string> EmptyHeaders =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
