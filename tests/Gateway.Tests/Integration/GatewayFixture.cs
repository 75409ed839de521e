using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.Integration;

/// <summary>One sidecar on the embedded default model, shared by the tests of a class.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    internal GatewayServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await GatewayServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
