using System.ComponentModel.DataAnnotations;

namespace NeuralSec.Gateway.Options;

/// <summary>The embedded ONNX Runtime backend.</summary>
internal sealed class OnnxRuntimeOptions
{
    /// <summary>A Triton-style model repository: <c>&lt;repo&gt;/&lt;model&gt;/&lt;version&gt;/model.onnx</c>.
    /// Relative paths resolve against the application's folder.</summary>
    [Required]
    public string ModelRepository { get; set; } = "models";

    /// <summary>Models to load; empty loads every model found in the repository.</summary>
    public List<string> Models { get; set; } = [];

    public ExecutionProviderPreference ExecutionProvider { get; set; } = ExecutionProviderPreference.Auto;

    [Range(0, 4096)]
    public int CudaDeviceId { get; set; }

    /// <summary>Threads for one operator; 0 lets ONNX Runtime choose (one per core). One by default: each call runs on
    /// its caller's thread and concurrency comes from concurrent requests. A pool shared by every call has to wake its
    /// sleeping threads for each operator, which on a small pod costs more than the operator (the MNIST model's
    /// direct c=8 throughput: ×1.2–1.4 with one thread, loadtests/README.md). Raise it for a large model on the CPU served
    /// at low concurrency by a node of its own.</summary>
    [Range(0, 1024)]
    public int IntraOpThreads { get; set; } = 1;

    [Range(0, 1024)]
    public int InterOpThreads { get; set; }

    /// <summary>Whether ONNX Runtime's pool threads spin waiting for work instead of sleeping. Spinning shaves a few
    /// microseconds off a busy dedicated machine; in a pod that shares its cores with the request path (Kestrel, the
    /// upstream client, the detectors) the spinning threads take the CPU those need. Off by default.</summary>
    public bool AllowSpinning { get; set; }
}
