namespace NeuralSec.Gateway.Options;

/// <summary>Where clean inputs are forwarded.</summary>
internal enum BackendKind
{
    /// <summary>An ONNX Runtime session inside the sidecar.</summary>
    OnnxRuntime,

    /// <summary>An Open Inference Protocol v2 server over gRPC (Triton, KServe, MLServer).</summary>
    Upstream,
}
