namespace NeuralSec.Gateway.Options;

/// <summary>Which ONNX Runtime execution provider to use.</summary>
internal enum ExecutionProviderPreference
{
    /// <summary>CUDA when the CUDA provider loads on this machine, CPU otherwise.</summary>
    Auto,

    /// <summary>CPU only.</summary>
    Cpu,

    /// <summary>CUDA or fail start-up: for GPU nodes where a silent CPU fallback would be an outage.</summary>
    Cuda,
}
