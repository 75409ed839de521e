using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Gateway.Tests.Upstream;

namespace NeuralSec.Gateway.Tests.FrontDoor;

/// <summary>
/// The two sidecars the transport matrix needs: one on the embedded fixture model under the shipped mnist and default policies
/// (plus a tenant with a one-request budget, and API keys), one with the upstream backend in front of a fake model
/// server the cases can take down or slow down. The breaker is kept closed (huge minimum throughput) and retries off,
/// so every case sees the upstream's own behaviour, whatever ran before it.
/// </summary>
public sealed class TransportMatrixFixture : IAsyncLifetime
{
    public const string ThrottledKey = "key-throttled";

    private readonly PolicyFolder _policies = new();
    private readonly ApiKeysFile _keys = new();

    internal GatewayServer Embedded { get; private set; } = null!;

    internal GatewayServer Sidecar { get; private set; } = null!;

    internal FakeModelServer Upstream { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        foreach (var shipped in new[] { "mnist.yaml", "default.yaml" })
        {
            File.Copy(Path.Combine(RepoPaths.Root, "policies", shipped), Path.Combine(_policies.Path, shipped));
        }

        _policies.Write("throttled.yaml", PolicyFolder.Policy("mnist-throttled", """
              models: [mnist]
              clientGroups: [throttled]
              rateLimit: { perClient: { tokensPerSecond: 0.001, burst: 1 } }
            """));
        await _keys.WriteAsync(("tenant-t", "throttled", ThrottledKey));
        Embedded = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = _policies.Path,
            ["NeuralSec:Identity:ApiKeysFile"] = _keys.Path,
        });

        Upstream = await FakeModelServer.StartAsync();
        Sidecar = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Backend"] = "Upstream",
            ["NeuralSec:Upstream:Address"] = Upstream.Address,
            ["NeuralSec:Upstream:AttemptTimeout"] = "00:00:00.300",
            ["NeuralSec:Upstream:TotalTimeout"] = "00:00:02",
            ["NeuralSec:Upstream:MaxRetries"] = "0",
            ["NeuralSec:Upstream:BreakerMinimumThroughput"] = "100000",
            ["NeuralSec:Upstream:ReadinessPollInterval"] = "00:00:00.050",
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
        });
    }

    public async Task DisposeAsync()
    {
        await Sidecar.DisposeAsync();
        await Upstream.DisposeAsync();
        await Embedded.DisposeAsync();
        _policies.Dispose();
        _keys.Dispose();
    }
}
