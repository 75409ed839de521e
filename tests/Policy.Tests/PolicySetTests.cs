using NeuralSec.Policy.Validation;

namespace NeuralSec.Policy.Tests;

/// <summary>Rules across the files of one directory.</summary>
public sealed class PolicySetTests
{
    private static PolicySource Policy(string file, string name, string models, string? groups = null) => PolicyYaml.Source(
        $"""
        apiVersion: neuralsec.io/v1
        kind: FirewallPolicy
        metadata:
          name: {name}
        spec:
          models: {models}
        {(groups is null ? "" : "  clientGroups: " + groups)}
        """,
        file);

    private static string[] Errors(params PolicySource[] sources) =>
        new PolicyValidator(TestCatalog.All).ValidateSet(sources).Errors.Select(e => e.ToString()).ToArray();

    [Fact]
    public void Accepts_DefaultModelAndTenantPolicies()
    {
        var result = new PolicyValidator(TestCatalog.All).ValidateSet(
        [
            Policy("default.yaml", "default", "[\"*\"]"),
            Policy("mnist.yaml", "mnist", "[mnist]"),
            Policy("mnist-a.yaml", "mnist-a", "[mnist]", "[tenant-a]"),
            Policy("mnist-b.yaml", "mnist-b", "[mnist, other]", "[tenant-b, tenant-c]"),
        ]);

        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        Assert.Equal(4, result.Policies.Count);
    }

    [Fact]
    public void Rejects_DuplicateNames()
    {
        Assert.Equal(
            ["b.yaml:4:9: error: policy name 'same' is already used by a.yaml:4:9 (metadata.name must be unique across the policy directory)"],
            Errors(Policy("b.yaml", "same", "[m2]"), Policy("a.yaml", "same", "[m1]")));
    }

    [Fact]
    public void Rejects_TwoPoliciesForTheSameModel()
    {
        Assert.Equal(
            ["b.yaml:6:19: error: model 'mnist' for every client is already governed by policy 'a' (a.yaml:6:12) (one policy per model and client group)"],
            Errors(Policy("a.yaml", "a", "[mnist]"), Policy("b.yaml", "b", "[other, mnist]")));
    }

    [Fact]
    public void Rejects_TwoPoliciesForTheSameModelAndClientGroup()
    {
        Assert.Equal(
            ["b.yaml:6:12: error: model 'mnist' for client group 'tenant-a' is already governed by policy 'a' (a.yaml:6:12) (one policy per model and client group)"],
            Errors(Policy("a.yaml", "a", "[mnist]", "[tenant-a]"), Policy("b.yaml", "b", "[mnist]", "[tenant-b, tenant-a]")));
    }

    [Fact]
    public void Rejects_SecondDefault()
    {
        Assert.Equal(
            ["b.yaml:6:12: error: more than one default policy: 'a' (a.yaml) already lists \"*\" (keep one default policy; name the models this one is for)"],
            Errors(Policy("a.yaml", "a", "[\"*\"]"), Policy("b.yaml", "b", "[\"*\"]")));
    }

    [Fact]
    public void Reports_FileErrorsAndSetErrors_Together()
    {
        var result = new PolicyValidator(TestCatalog.All).ValidateSet(
        [
            Policy("a.yaml", "a", "[mnist]"),
            Policy("b.yaml", "a", "[mnist]"),
            PolicyYaml.Source(PolicyYaml.Minimal + "  mdoe: x\n", "c.yaml"),
        ]);

        Assert.False(result.IsValid);
        Assert.Empty(result.Policies);
        Assert.Equal(["b.yaml", "b.yaml", "c.yaml"], result.Errors.Select(e => e.File));
    }
}
