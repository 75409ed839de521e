using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.Triton;

/// <summary>One sidecar on the embedded backend with the pass-through policy, so that each inference is exactly one
/// model execution (no detector's extra calls) and statistics can be counted request by request.</summary>
public sealed class PassThroughFixture : IAsyncLifetime
{
    internal GatewayServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await GatewayServer.StartAsync(new Dictionary<string, string?>
    {
        ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
    });

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
