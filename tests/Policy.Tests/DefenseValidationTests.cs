using NeuralSec.Policy.Model;

namespace NeuralSec.Policy.Tests;

/// <summary><c>preprocess</c> and <c>detect</c> entries against a test catalog: types, stages, options.</summary>
public sealed class DefenseValidationTests
{
    // Image defenses need spec.input.image; the extra line shifts every position below by one.
    private static readonly string Head = PolicyYaml.Minimal.Replace(
        "  models: [mnist]\n", "  models: [mnist]\n  input: { image: { tensor: input } }\n", StringComparison.Ordinal);

    [Fact]
    public void Accepts_KnownDefenses_WithOptionsAndDefaults()
    {
        const string tail = """
              preprocess:
                - type: bitDepth
                  bits: 5
                - type: median
              detect:
                - { type: squeeze, squeezers: [bitDepth1, median2], weights: [0.5, 1], strict: true, threshold: 1.2, action: alert }
                - { type: squeeze, threshold: 0.5 }

            """;

        var result = PolicyYaml.Validate(Head + tail);

        Assert.Empty(result.Errors);
        var policy = result.Policy!;
        Assert.Equal(["bitDepth", "median"], policy.Preprocess.Select(p => p.Type));
        Assert.Equal(5L, policy.Preprocess[0].Options["bits"]);
        Assert.Equal(2L, policy.Preprocess[1].Options["size"]);
        Assert.Equal("test.yaml:9:7", policy.Preprocess[0].Location);

        var squeeze = policy.Detect[0];
        Assert.Equal(1.2, squeeze.Threshold);
        Assert.Equal(DefenseAction.Alert, squeeze.Action);
        Assert.Equal(["bitDepth1", "median2"], (string[])squeeze.Options["squeezers"]);
        Assert.Equal([0.5, 1.0], (double[])squeeze.Options["weights"]);
        Assert.Equal(true, squeeze.Options["strict"]);
        Assert.Equal("l1", squeeze.Options["metric"]);
        Assert.Equal(DefenseAction.Block, policy.Detect[1].Action);
        Assert.Equal(["bitDepth5"], (string[])policy.Detect[1].Options["squeezers"]);
    }

    [Fact]
    public void Rejects_UnknownType_WithHint()
    {
        Assert.Equal(
            ["test.yaml:9:13: error: unknown preprocess type 'bitDeph' in preprocess[0] (did you mean 'bitDepth'?)"],
            PolicyYaml.Errors(Head + "  preprocess:\n    - type: bitDeph\n      bits: 5\n"));
    }

    [Fact]
    public void Rejects_UnknownType_ListingKnownOnes()
    {
        Assert.Equal(
            ["test.yaml:9:13: error: unknown detector type 'magnet' in detect[0] (known types: autoencoder, squeeze)"],
            PolicyYaml.Errors(Head + "  detect:\n    - type: magnet\n      threshold: 1\n"));
    }

    [Fact]
    public void Rejects_MissingType()
    {
        Assert.Equal(
            ["test.yaml:9:7: error: missing required key 'type' in preprocess[0] (known types: bitDepth, median)"],
            PolicyYaml.Errors(Head + "  preprocess:\n    - bits: 5\n"));
    }

    [Fact]
    public void Rejects_DefenseOfTheWrongStage()
    {
        Assert.Equal(
            [
                "test.yaml:9:15: error: 'median' is a preprocessing defense and cannot be used in detect[0] (move it to spec.preprocess)",
                "test.yaml:11:15: error: 'squeeze' is a detector and cannot be used in preprocess[0] (move it to spec.detect)",
            ],
            PolicyYaml.Errors(Head + "  detect:\n    - { type: median, threshold: 1 }\n  preprocess:\n    - { type: squeeze }\n"));
    }

    [Fact]
    public void Rejects_UnknownOption_WithHint()
    {
        Assert.Equal(
            ["test.yaml:9:23: error: unknown key 'sise' in preprocess[0] (did you mean 'size'?)"],
            PolicyYaml.Errors(Head + "  preprocess:\n    - { type: median, sise: 3 }\n"));
    }

    [Fact]
    public void Rejects_TyposInThreshold()
    {
        Assert.Equal(
            [
                "test.yaml:9:7: error: missing required key 'threshold' in detect[0] (every detector needs one; calibration sets it from a target false-positive rate)",
                "test.yaml:10:7: error: unknown key 'treshold' in detect[0] (did you mean 'threshold'?)",
            ],
            PolicyYaml.Errors(Head + "  detect:\n    - type: squeeze\n      treshold: 1.2\n"));
    }

    [Theory]
    [InlineData("bits: 9", "preprocess[0].bits must be between 1 and 8, not 9")]
    [InlineData("bits: five", "preprocess[0].bits must be an integer, not the string 'five'")]
    [InlineData("bits: 2.5", "preprocess[0].bits must be an integer, not the number 2.5")]
    public void Rejects_BadOptionValues(string option, string expected)
    {
        Assert.Equal(
            ["test.yaml:9:31: error: " + expected],
            PolicyYaml.Errors(Head + "  preprocess:\n    - { type: bitDepth, " + option + " }\n"));
    }

    [Fact]
    public void Rejects_MissingRequiredOption()
    {
        Assert.Equal(
            ["test.yaml:9:7: error: missing required option 'bits' in preprocess[0] (bitDepth: Bits kept per value.)"],
            PolicyYaml.Errors(Head + "  preprocess:\n    - type: bitDepth\n"));
    }

    [Fact]
    public void Rejects_EnumAndListValues_WithHints()
    {
        const string tail = """
              detect:
                - type: squeeze
                  threshold: 1
                  metric: L2
                  squeezers: [median3]
                  weights: [0.5, 2]
                  strict: 1
                  action: blok

            """;

        Assert.Equal(
            [
                "test.yaml:11:15: error: 'L2' is not a valid detect[0].metric (did you mean 'l2'?)",
                "test.yaml:12:19: error: 'median3' is not a valid detect[0].squeezers[0] (did you mean 'median2'?)",
                "test.yaml:13:22: error: detect[0].weights[1] must be between 0 and 1, not 2",
                "test.yaml:14:15: error: detect[0].strict must be a boolean, not the integer 1 (use true or false)",
                "test.yaml:15:15: error: 'blok' is not a valid detect[0].action (did you mean 'block'?)",
            ],
            PolicyYaml.Errors(Head + tail));
    }

    [Fact]
    public void Rejects_ThresholdAndActionInPreprocess()
    {
        Assert.Equal(
            [
                "test.yaml:9:32: error: 'threshold' is not allowed in preprocess[0] (preprocessing transforms the input and decides nothing; thresholds and actions belong to detect entries)",
                "test.yaml:9:46: error: 'action' is not allowed in preprocess[0] (preprocessing transforms the input and decides nothing; thresholds and actions belong to detect entries)",
            ],
            PolicyYaml.Errors(Head + "  preprocess:\n    - { type: median, size: 3, threshold: 1, action: block }\n"));
    }

    [Fact]
    public void Rejects_NonFiniteThreshold()
    {
        Assert.Equal(
            ["test.yaml:9:35: error: detect[0].threshold must be a finite number, not .nan"],
            PolicyYaml.Errors(Head + "  detect:\n    - { type: squeeze, threshold: .nan }\n"));
    }

    [Fact]
    public void Rejects_MissingFileReference_AndAcceptsAnExistingOne()
    {
        var folder = Directory.CreateTempSubdirectory("neuralsec-policy-");
        try
        {
            var policyPath = Path.Combine(folder.FullName, "p.yaml");
            File.WriteAllBytes(Path.Combine(folder.FullName, "ae.onnx"), [1]);
            var validator = new NeuralSec.Policy.Validation.PolicyValidator(TestCatalog.All);

            var good = validator.ValidateFile(PolicyYaml.Source(Head + "  detect:\n    - { type: autoencoder, model: ae.onnx, threshold: 0.1 }\n", policyPath));
            var bad = validator.ValidateFile(PolicyYaml.Source(Head + "  detect:\n    - { type: autoencoder, model: missing.onnx, threshold: 0.1 }\n", policyPath));

            Assert.Empty(good.Errors);
            var error = Assert.Single(bad.Errors);
            Assert.Equal($"{policyPath}:9:35: error: file 'missing.onnx' named by detect[0].model does not exist (looked in {folder.FullName})", error.ToString());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void FindsFileReferences_InTheModelRepository()
    {
        var folder = Directory.CreateTempSubdirectory("neuralsec-policy-");
        try
        {
            var repository = Directory.CreateDirectory(Path.Combine(folder.FullName, "models"));
            File.WriteAllBytes(Path.Combine(repository.FullName, "ae.onnx"), [1]);
            var validator = new NeuralSec.Policy.Validation.PolicyValidator(TestCatalog.All, repository.FullName);

            var result = validator.ValidateFile(PolicyYaml.Source(Head + "  detect:\n    - { type: autoencoder, model: ae.onnx, threshold: 0.1 }\n", Path.Combine(folder.FullName, "policies", "p.yaml")));

            Assert.Empty(result.Errors);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void Rejects_ImageDefenses_WithoutAnImageInput()
    {
        Assert.Equal(
            [
                "test.yaml:7:3: error: preprocess needs to know which input is an image (add spec.input.image: { tensor: <input name>, layout: NCHW })",
                "test.yaml:9:3: error: detect needs to know which input is an image (add spec.input.image: { tensor: <input name>, layout: NCHW })",
            ],
            PolicyYaml.Errors(PolicyYaml.Minimal + "  preprocess:\n    - type: median\n  detect:\n    - { type: squeeze, threshold: 1 }\n"));
    }
}
