namespace NeuralSec.Gateway.Health;

/// <summary>Whether the sidecar can serve inference now; the front door answers it for every transport.</summary>
internal interface IReadinessSource
{
    bool IsReady { get; }
}
