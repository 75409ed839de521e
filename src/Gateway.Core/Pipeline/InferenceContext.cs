using System.Security.Cryptography.X509Certificates;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Decisions;
using NeuralSec.Gateway.Identity;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Pipeline;

/// <summary>
/// One request on its way through the pipeline: the caller's <see cref="Request"/> (immutable, from the front door)
/// and what each stage learned. Every settable field names the one stage that owns it; the others only read it.
/// </summary>
internal sealed class InferenceContext
{
    public InferenceContext(InferenceRequest request)
    {
        Request = request;
        Inputs = request.Inputs;
        Rejection = request.DecodeRejection;
    }

    /// <summary>What the caller sent, as the front door decoded it.</summary>
    public InferenceRequest Request { get; }

    public string RequestId => Request.RequestId;

    public string ModelName => Request.ModelName;

    public string? ModelVersion => Request.ModelVersion;

    /// <summary>The tensors as the caller sent them: what detectors score, whatever preprocessing forwards.</summary>
    public IReadOnlyList<InferenceTensor> OriginalInputs => Request.Inputs;

    public string CallerRequestId => Request.CallerRequestId;

    public ResponseEncoding Encoding => Request.Encoding;

    public DateTime? Deadline => Request.Deadline;

    public IReadOnlyDictionary<string, string> Headers => Request.Headers;

    public IReadOnlyList<string> RequestedOutputs => Request.RequestedOutputs;

    public X509Certificate2? ClientCertificate => Request.ClientCertificate;

    public string? RemoteAddress => Request.RemoteAddress;

    /// <summary>What the caller proved or claimed. Owner: <see cref="PipelineStageId.Identity"/> (the policy stage
    /// may discard a claim its policy does not trust).</summary>
    public CallerIdentity Identity { get; set; } = CallerIdentity.None;

    /// <summary>The accepted client id: rate limits, stream detectors and alerts key on it.
    /// Owner: <see cref="PipelineStageId.Policy"/>.</summary>
    public string ClientId { get; set; } = "unidentified";

    /// <summary>What the stream defenses imposed on the client earlier (read with its budget).
    /// Owner: <see cref="PipelineStageId.Limit"/>.</summary>
    public ClientState.ClientSanctions Sanctions { get; set; }

    /// <summary>The policy governing this request. Owner: <see cref="PipelineStageId.Policy"/>.</summary>
    public FirewallPolicy? Policy { get; set; }

    /// <summary>The model's declared signature. Owner: <see cref="PipelineStageId.Validate"/>.</summary>
    public ModelDescriptor? Model { get; set; }

    /// <summary>The tensors to forward: the caller's, or purified copies. Owner: <see cref="PipelineStageId.Preprocess"/>.</summary>
    public IReadOnlyList<InferenceTensor> Inputs { get; set; }

    /// <summary>What the model answered to the batches the detectors ran (feature squeezing's batch holds the
    /// caller's images and their squeezed views); forwarding answers from it when the tensor to forward is one of
    /// them, byte for byte. Owner: <see cref="PipelineStageId.Detect"/>.</summary>
    public Defenses.ModelAnswers? ModelAnswers { get; set; }

    /// <summary>Every verdict and the resulting decision. Stages add verdicts; <see cref="PipelineStageId.Decide"/>
    /// settles the detectors' into the decision.</summary>
    public DecisionRecord Decision { get; } = new();

    /// <summary>The version that answered. Owner: <see cref="PipelineStageId.Forward"/>.</summary>
    public string? ServedVersion { get; set; }

    /// <summary>The model's outputs. Owner: <see cref="PipelineStageId.Forward"/>; <see cref="PipelineStageId.Harden"/>
    /// replaces them with their hardened form.</summary>
    public IReadOnlyList<InferenceTensor> Outputs { get; set; } = [];

    /// <summary>Set by the first stage that refuses the request (or by the front door when it could not be decoded).</summary>
    public PipelineRejection? Rejection { get; set; }
}
