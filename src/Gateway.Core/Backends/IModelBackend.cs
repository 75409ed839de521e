using NeuralSec.Detectors.Tensors;

namespace NeuralSec.Gateway.Backends;

/// <summary>
/// The terminal stage: the model the firewall protects. Implementations are the embedded ONNX Runtime session
/// and an upstream Open Inference Protocol v2 server. Faults surface as <see cref="BackendException"/>.
/// </summary>
internal interface IModelBackend
{
    /// <summary>A short label for logs and metrics: <c>onnxruntime</c> or <c>upstream</c>.</summary>
    string Kind { get; }

    /// <summary>True once the backend can take inference requests (models loaded, upstream reachable).</summary>
    bool IsReady { get; }

    /// <summary>Describes a model, or returns <c>null</c> when the backend does not serve it.</summary>
    ValueTask<ModelDescriptor?> GetModelAsync(string name, string? version, CancellationToken cancellationToken);

    ValueTask<bool> IsModelReadyAsync(string name, string? version, CancellationToken cancellationToken);

    ValueTask<BackendInferResult> InferAsync(BackendInferRequest request, CancellationToken cancellationToken);
}
