namespace NeuralSec.LoadTest.Overload;

/// <summary>What serves the model behind the sidecar an overload run starts.</summary>
internal enum OverloadBackend
{
    /// <summary>A GPU stand-in (<see cref="StandIn.GpuStandInServer"/>): a fixed service time and as many calls in
    /// service as the sidecar admits, costing no CPU — the deployment the sidecar is built for, where the model's
    /// capacity, not the sidecar's cores, is what runs out.</summary>
    GpuStandIn,

    /// <summary>The embedded ONNX Runtime on the sidecar's own cores: model and sidecar compete for the same CPU.</summary>
    Embedded,
}
