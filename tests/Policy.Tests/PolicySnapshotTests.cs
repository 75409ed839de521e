using NeuralSec.Policy.Model;

namespace NeuralSec.Policy.Tests;

public sealed class PolicySnapshotTests
{
    private static FirewallPolicy Policy(string name, string[] models, params string[] groups) =>
        new() { Name = name, Revision = "r", Source = name + ".yaml", Models = models, ClientGroups = groups };

    [Fact]
    public void Tenant_policy_beats_model_policy_beats_default()
    {
        var snapshot = new PolicySnapshot(
            [Policy("default", ["*"]), Policy("mnist", ["mnist"]), Policy("mnist-tenant-a", ["mnist"], "tenant-a")], 1);

        Assert.Equal("mnist-tenant-a", snapshot.Select("mnist", "tenant-a")?.Name);
        Assert.Equal("mnist", snapshot.Select("mnist", "tenant-b")?.Name);
        Assert.Equal("mnist", snapshot.Select("mnist", null)?.Name);
        Assert.Equal("default", snapshot.Select("resnet", "tenant-a")?.Name);
    }

    [Fact]
    public void No_default_means_no_policy_for_other_models()
    {
        var snapshot = new PolicySnapshot([Policy("mnist-tenant-a", ["mnist"], "tenant-a")], 1);
        Assert.Null(snapshot.Select("mnist", null));
        Assert.Null(snapshot.Select("resnet", "tenant-a"));
    }
}
