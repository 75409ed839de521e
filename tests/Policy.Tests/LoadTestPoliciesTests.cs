using System.Globalization;
using NeuralSec.Data;
using NeuralSec.Detectors.Catalog;
using NeuralSec.Policy.Model;
using NeuralSec.Policy.Validation;

namespace NeuralSec.Policy.Tests;

/// <summary>The load test's defended policies measure what ships: policies/mnist.yaml's purification, detectors,
/// thresholds, grades and output hardening, with only the per-client rate limit and the stream defenses left out (and,
/// for the concurrent variant, only the detector order changed). A recalibration of the shipped policy that is not
/// copied fails here, not silently in a stale benchmark.</summary>
public sealed class LoadTestPoliciesTests
{
    [Theory]
    [InlineData("defended", DetectOrder.CheapFirst)]
    [InlineData("defended-concurrent", DetectOrder.Concurrent)]
    public void The_defended_load_policy_is_the_shipped_one_without_rate_limit_and_stream_defenses(string folder, DetectOrder order)
    {
        var shipped = Single(Path.Combine(RepositoryPaths.Root(), "policies"), "mnist-default");
        var measured = Single(Path.Combine(RepositoryPaths.Root(), "loadtests", "policies", folder), null);

        Assert.NotNull(shipped.RateLimit);
        Assert.NotNull(shipped.Extraction);
        Assert.Null(measured.RateLimit);
        Assert.Null(measured.Extraction);
        Assert.Equal(DetectOrder.CheapFirst, shipped.DetectOrder);
        Assert.Equal(order, measured.DetectOrder);
        Assert.Equal(shipped.Models, measured.Models);
        Assert.Equal(shipped.Mode, measured.Mode);
        Assert.Equal(shipped.OnError, measured.OnError);
        Assert.Equal(shipped.Identity, measured.Identity);
        Assert.Equal(shipped.Input.MaxBatch, measured.Input.MaxBatch);
        Assert.Equal(Describe(shipped.Input.Image!), Describe(measured.Input.Image!));
        Assert.Equal(shipped.Output, measured.Output);
        Assert.Equal(Describe(shipped.Preprocess), Describe(measured.Preprocess));
        Assert.Equal(Describe(shipped.Detect), Describe(measured.Detect));
        Assert.Equal(Describe(shipped.Repair), Describe(measured.Repair));
    }

    private static FirewallPolicy Single(string folder, string? name)
    {
        var result = new PolicyValidator(DefenseCatalog.All, RepositoryPaths.ModelRepository()).ValidateSet(PolicyDirectory.Read(folder));
        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        return name is null ? Assert.Single(result.Policies) : result.Policies.Single(p => p.Name == name);
    }

    private static string[] Describe(IReadOnlyList<DefenseSpec> specs) => specs
        .Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Type} {s.Threshold:R} {s.Action} [{string.Join(", ", s.Grades.Select(g => $"{g.Threshold:R} {g.Action}"))}] {{{OptionText.Describe(s.Options)}}}"))
        .ToArray();

    private static string Describe(ImageInputPolicy image) =>
        $"{image.Tensor} nhwc={image.Nhwc} range={OptionText.Value(image.Range)} mean={OptionText.Value(image.Mean)} std={OptionText.Value(image.Std)}";
}
