using NeuralSec.Gateway.Health;

namespace NeuralSec.Gateway.Backends;

/// <summary>
/// The backend as the front ends see it: the real one, except that it reports not ready once shutdown has begun.
/// Every readiness answer (ServerReady, <c>/v2/health/ready</c>, grpc.health.v1 through the readiness mirror)
/// reads <see cref="IsReady"/>, so one place makes them all say "draining"; requests are still served.
/// </summary>
internal sealed class ShutdownAwareBackend(IModelBackend inner, ShutdownState shutdown) : IModelBackend
{
    public string Kind => inner.Kind;

    public bool IsReady => !shutdown.Draining && inner.IsReady;

    public ValueTask<ModelDescriptor?> GetModelAsync(string name, string? version, CancellationToken cancellationToken) =>
        inner.GetModelAsync(name, version, cancellationToken);

    public ValueTask<bool> IsModelReadyAsync(string name, string? version, CancellationToken cancellationToken) =>
        inner.IsModelReadyAsync(name, version, cancellationToken);

    public ValueTask<BackendInferResult> InferAsync(BackendInferRequest request, CancellationToken cancellationToken) =>
        inner.InferAsync(request, cancellationToken);
}
