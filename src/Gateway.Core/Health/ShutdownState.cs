namespace NeuralSec.Gateway.Health;

/// <summary>Whether the sidecar has begun shutting down. Once it has, it reports not ready everywhere readiness
/// is asked (gRPC health, ServerReady, <c>/v2/health/ready</c>) while it still serves, so load balancers stop
/// sending it new work before its listeners close.</summary>
internal sealed class ShutdownState
{
    private int _draining;

    public bool Draining => Volatile.Read(ref _draining) != 0;

    /// <summary>Marks the start of the drain; true the first time only, so a second stop does not drain again.</summary>
    public bool BeginDrain() => Interlocked.Exchange(ref _draining, 1) == 0;
}
