using Microsoft.Extensions.DependencyInjection;
using NeuralSec.Gateway.ClientState;
using NeuralSec.Gateway.Defenses;
using NeuralSec.Gateway.Policy;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.Policy;

/// <summary>Policy changes reach the defenses and client state through the store's change token: a revision's
/// defenses are built when it goes live, before any request; a retired revision's defenses go, while its clients'
/// budgets and sanctions stay with the policy (an edit gives no one a fresh start) until the policy is deleted.</summary>
public sealed class PolicyRevisionLifecycleTests
{
    [Fact]
    public async Task Defenses_are_built_when_a_revision_goes_live_and_a_deleted_policys_state_is_dropped()
    {
        using var policies = new PolicyFolder();
        File.Copy(Path.Combine(RepoPaths.Root, "policies", "mnist.yaml"), Path.Combine(policies.Path, "mnist.yaml"));
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = policies.Path,
            ["NeuralSec:Policies:PollInterval"] = "00:00:00.200",
        });
        var registry = server.Services.GetRequiredService<DefenseRegistry>();
        var state = (InMemoryClientStateStore)server.Services.GetRequiredService<IClientStateStore>();
        var provider = server.Services.GetRequiredService<IPolicyProvider>();

        Assert.Equal(1, registry.Count); // built at start-up, no request yet
        await server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(0)));
        Assert.Equal(1, state.Count);

        var text = await File.ReadAllTextAsync(Path.Combine(policies.Path, "mnist.yaml"));
        policies.Write("mnist.yaml", text.Replace("mode: enforce", "mode: monitor", StringComparison.Ordinal));
        await Wait.Until(() => provider.Current.Generation == 2);
        await Wait.Until(() => registry.Count == 1);
        Assert.Equal(1, state.Count);
        Assert.Same(registry.For(provider.Current.Policies[0]), registry.For(provider.Current.Policies[0]));

        policies.Write("mnist.yaml", text.Replace("name: mnist-default", "name: mnist-renamed", StringComparison.Ordinal));
        await Wait.Until(() => provider.Current.Generation == 3);
        await Wait.Until(() => state.Count == 0);
    }
}
