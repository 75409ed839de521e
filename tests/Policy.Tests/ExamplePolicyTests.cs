using NeuralSec.Data;
using NeuralSec.Detectors.Catalog;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Policy.Model;
using NeuralSec.Policy.Validation;

namespace NeuralSec.Policy.Tests;

/// <summary>The shipped examples are what operators copy: they must validate, as one directory, with the real catalog.</summary>
public sealed class ExamplePolicyTests
{
    private static string Folder => Path.Combine(RepositoryPaths.Root(), "policies");

    [Fact]
    public void ExamplePolicies_ValidateTogether()
    {
        var result = new PolicyValidator(DefenseCatalog.All, RepositoryPaths.ModelRepository()).ValidateSet(PolicyDirectory.Read(Folder));

        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        var byName = result.Policies.ToDictionary(p => p.Name);
        var fallback = byName["default"];
        Assert.True(fallback.IsDefault);
        Assert.Equal(PolicyMode.Enforce, fallback.Mode);
        Assert.Equal(64, fallback.Input.MaxBatch);
        Assert.Equal(new ValueRange(0, 1), Assert.Single(fallback.Input.Tensors, t => t.Name == "input").Range);
        Assert.NotNull(fallback.RateLimit);
        Assert.Contains(result.Policies, p => p.Models.Contains("mnist") && p.ClientGroups.Count == 0);
        Assert.Contains(result.Policies, p => p.ClientGroups.Count > 0 && p.Mode == PolicyMode.Enforce);
        Assert.Contains(result.Policies, p => p.Mode == PolicyMode.Monitor);
    }

    [Fact]
    public void BackdoorExample_Validates_WithItsStripPoolInTheModelRepository()
    {
        var examples = Path.Combine(Folder, "examples");
        var result = new PolicyValidator(DefenseCatalog.All, RepositoryPaths.ModelRepository()).ValidateSet(PolicyDirectory.Read(examples));

        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        var strip = Assert.Single(Assert.Single(result.Policies).Detect);
        Assert.Equal("strip", strip.Type);
        Assert.NotNull(strip.Threshold);
        // The blend docs/evaluation.md §3 measures at FRR 1 % for this fixture (the reference's unclipped sum lets ~6× more through).
        Assert.Equal(true, strip.Options["clip"]);

        var withoutModels = new PolicyValidator(DefenseCatalog.All, modelRepository: null).ValidateSet(PolicyDirectory.Read(examples));
        Assert.Contains(withoutModels.Errors, e => e.ToString().Contains("strip-pool.nsimg.gz", StringComparison.Ordinal));
    }

    [Fact]
    public void ExamplePolicies_PointEditorsAtTheSchema()
    {
        foreach (var file in PolicyDirectory.List(Folder))
        {
            Assert.Equal("# yaml-language-server: $schema=./schema/firewallpolicy.schema.json", File.ReadLines(file).First());
        }
    }

    [Fact]
    public void Snapshot_SelectsTenantThenModelThenDefault()
    {
        var result = new PolicyValidator(DefenseCatalog.All, RepositoryPaths.ModelRepository()).ValidateSet(PolicyDirectory.Read(Folder));
        var snapshot = new PolicySnapshot(result.Policies, 1);

        Assert.Equal("mnist-tenant-a", snapshot.Select("mnist", "tenant-a")?.Name);
        Assert.Equal("mnist-default", snapshot.Select("mnist", "tenant-z")?.Name);
        Assert.Equal("default", snapshot.Select("other", null)?.Name);
    }

    [Fact]
    public void Rules_spanning_a_defenses_options_are_validation_errors_not_runtime_failures()
    {
        const string policy = """
            apiVersion: neuralsec.io/v1
            kind: FirewallPolicy
            metadata:
              name: nlm
            spec:
              models: [mnist]
              input: { image: { tensor: input } }
              preprocess:
                - { type: nonLocalMeans, searchWindow: 12, blockSize: 3 }

            """;
        var result = new PolicyValidator(DefenseCatalog.All).ValidateFile(PolicyYaml.Source(policy, "nlm.yaml"));

        var error = Assert.Single(result.Errors);
        Assert.Equal(("nlm.yaml", 9), (error.File, error.Line));
        Assert.Contains("odd", error.Message, StringComparison.Ordinal);
        Assert.Null(result.Policy);
    }
}
