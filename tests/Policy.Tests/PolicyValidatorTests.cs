using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Policy.Tests;

/// <summary>Each class of error, with its exact position and message as printed by the CLI and the reload log.</summary>
public sealed class PolicyValidatorTests
{
    private const string Head = PolicyYaml.Minimal;

    [Fact]
    public void Accepts_MinimalPolicy()
    {
        var result = PolicyYaml.Validate(PolicyYaml.Minimal);

        Assert.Empty(result.Errors);
        Assert.Equal("mnist-default", result.Policy!.Name);
        Assert.Equal(["mnist"], result.Policy.Models);
    }

    [Fact]
    public void Rejects_UnknownKey_WithSpellingHint()
    {
        Assert.Equal(
            ["test.yaml:7:3: error: unknown key 'mdoe' in spec (did you mean 'mode'?)"],
            PolicyYaml.Errors(Head + "  mdoe: enforce\n"));
    }

    [Fact]
    public void Rejects_UnknownKey_ListingAllowedKeys_WhenNothingIsClose()
    {
        Assert.Equal(
            ["test.yaml:7:1: error: unknown key 'extraction' in the policy (allowed: apiVersion, kind, metadata, spec)"],
            PolicyYaml.Errors(Head + "extraction: {}\n"));
    }

    [Fact]
    public void Rejects_CaseSlip_InKey()
    {
        Assert.Equal(
            ["test.yaml:8:5: error: unknown key 'MaxBatch' in input (did you mean 'maxBatch'?)"],
            PolicyYaml.Errors(Head + "  input:\n    MaxBatch: 4\n"));
    }

    [Fact]
    public void Rejects_DuplicateKey()
    {
        Assert.Equal(
            ["test.yaml:8:3: error: duplicate key 'mode' in spec (first set at line 7)"],
            PolicyYaml.Errors(Head + "  mode: enforce\n  mode: monitor\n"));
    }

    [Fact]
    public void Rejects_MissingRequiredKey_AtItsParentKey()
    {
        const string yaml = """
            apiVersion: neuralsec.io/v1
            kind: FirewallPolicy
            metadata:
              labels: { team: ml }
            spec:
              models: [mnist]
            """;

        Assert.Equal(["test.yaml:3:1: error: missing required key 'name' in metadata"], PolicyYaml.Errors(yaml));
    }

    [Fact]
    public void Rejects_MissingSpec()
    {
        const string yaml = """
            apiVersion: neuralsec.io/v1
            kind: FirewallPolicy
            metadata: { name: x }
            """;

        Assert.Equal(["test.yaml:1:1: error: missing required key 'spec' in the policy"], PolicyYaml.Errors(yaml));
    }

    [Fact]
    public void Rejects_WrongApiVersionAndKind()
    {
        const string yaml = """
            apiVersion: neuralsec.io/v2
            kind: FirewallPolicys
            metadata: { name: x }
            spec: { models: [m] }
            """;

        Assert.Equal(
            [
                "test.yaml:1:13: error: 'neuralsec.io/v2' is not a valid apiVersion (did you mean 'neuralsec.io/v1'?)",
                "test.yaml:2:7: error: 'FirewallPolicys' is not a valid kind (did you mean 'FirewallPolicy'?)",
            ],
            PolicyYaml.Errors(yaml));
    }

    [Fact]
    public void Rejects_WrongType()
    {
        Assert.Equal(
            ["test.yaml:8:15: error: input.maxBatch must be an integer, not the string 'many'"],
            PolicyYaml.Errors(Head + "  input:\n    maxBatch: many\n"));
    }

    [Fact]
    public void Rejects_FractionWhereIntegerExpected()
    {
        Assert.Equal(
            ["test.yaml:8:15: error: input.maxBatch must be an integer, not the number 1.5"],
            PolicyYaml.Errors(Head + "  input:\n    maxBatch: 1.5\n"));
    }

    [Fact]
    public void Rejects_NumberWhereStringExpected_SuggestingQuotes()
    {
        Assert.Equal(
            ["test.yaml:7:18: error: clientGroups[0] must be a string, not the integer 123 (quote it if you mean the text: '123')"],
            PolicyYaml.Errors(Head + "  clientGroups: [123]\n"));
    }

    [Fact]
    public void Rejects_Yaml11Boolean()
    {
        Assert.Equal(
            ["test.yaml:8:16: error: output.labelOnly must be a boolean, not the string 'yes' (use true or false)"],
            PolicyYaml.Errors(Head + "  output:\n    labelOnly: yes\n"));
    }

    [Fact]
    public void Rejects_MappingWhereListExpected()
    {
        Assert.Equal(
            ["test.yaml:7:17: error: clientGroups must be a list, not a mapping"],
            PolicyYaml.Errors(Head + "  clientGroups: { a: b }\n"));
    }

    [Theory]
    [InlineData("  input:\n    maxBatch: 0\n", "test.yaml:8:15: error: input.maxBatch must be between 1 and 100000, not 0")]
    [InlineData("  input:\n    maxBatch: 100001\n", "test.yaml:8:15: error: input.maxBatch must be between 1 and 100000, not 100001")]
    [InlineData("  output:\n    topK: 1001\n", "test.yaml:8:11: error: output.topK must be between 1 and 1000, not 1001")]
    [InlineData("  output:\n    decimals: 9\n", "test.yaml:8:15: error: output.decimals must be between 0 and 8, not 9")]
    [InlineData("  rateLimit:\n    perClient: { tokensPerSecond: 0, burst: 1 }\n", "test.yaml:8:35: error: rateLimit.perClient.tokensPerSecond must be greater than 0 and at most 1000000000, not 0")]
    [InlineData("  rateLimit:\n    perClient: { tokensPerSecond: 5, burst: 0 }\n", "test.yaml:8:45: error: rateLimit.perClient.burst must be between 1 and 2147483647, not 0")]
    [InlineData("  input:\n    maxBatch: 99999999999999999999\n", "test.yaml:8:15: error: input.maxBatch is out of range: 99999999999999999999")]
    public void Rejects_OutOfRangeNumbers(string tail, string expected)
    {
        Assert.Equal([expected], PolicyYaml.Errors(Head + tail));
    }

    [Fact]
    public void Rejects_MissingRateLimitFields()
    {
        Assert.Equal(
            ["test.yaml:8:5: error: missing required key 'burst' in rateLimit.perClient"],
            PolicyYaml.Errors(Head + "  rateLimit:\n    perClient: { tokensPerSecond: 5 }\n"));
    }

    [Theory]
    [InlineData("  mode: enfroce\n", "test.yaml:7:9: error: 'enfroce' is not a valid mode (did you mean 'enforce'?)")]
    [InlineData("  onError: failclosed\n", "test.yaml:7:12: error: 'failclosed' is not a valid onError (did you mean 'fail-closed'?)")]
    [InlineData("  mode: shadow\n", "test.yaml:7:9: error: 'shadow' is not a valid mode (expected one of 'enforce', 'monitor')")]
    public void Rejects_UnknownEnumValues_WithHint(string tail, string expected)
    {
        Assert.Equal([expected], PolicyYaml.Errors(Head + tail));
    }

    [Fact]
    public void Rejects_InvalidName()
    {
        const string yaml = """
            apiVersion: neuralsec.io/v1
            kind: FirewallPolicy
            metadata:
              name: MNIST_default
            spec:
              models: [mnist]
            """;

        Assert.Equal(
            ["test.yaml:4:9: error: 'MNIST_default' is not a valid metadata.name (use 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit)"],
            PolicyYaml.Errors(yaml));
    }

    [Fact]
    public void Rejects_EmptyModels()
    {
        var yaml = Head.Replace("models: [mnist]", "models: []", StringComparison.Ordinal);

        Assert.Equal(["test.yaml:6:11: error: models must not be empty"], PolicyYaml.Errors(yaml));
    }

    [Fact]
    public void Rejects_StarBesideNamedModels()
    {
        var yaml = Head.Replace("models: [mnist]", "models: [\"*\", mnist]", StringComparison.Ordinal);

        Assert.Equal(
            ["test.yaml:6:12: error: '*' in models must stand alone (a default policy lists only \"*\"; give named models their own policy)"],
            PolicyYaml.Errors(yaml));
    }

    [Fact]
    public void Rejects_RepeatedModel()
    {
        var yaml = Head.Replace("models: [mnist]", "models: [mnist, mnist]", StringComparison.Ordinal);

        Assert.Equal(["test.yaml:6:19: error: 'mnist' appears more than once in models"], PolicyYaml.Errors(yaml));
    }

    [Fact]
    public void Rejects_BadTensorRules()
    {
        const string tail = """
              input:
                tensors:
                  - name: input
                    datatype: fp32
                    shape: [-2, 28]
                    range: [1, 0]
                  - name: other
                    range: [0]
                  - datatype: FP32

            """;

        Assert.Equal(
            [
                "test.yaml:10:19: error: 'fp32' is not a valid input.tensors[0].datatype (did you mean 'FP32'?)",
                "test.yaml:11:17: error: input.tensors[0].shape[0] must be at least -1, not -2",
                "test.yaml:12:16: error: input.tensors[0].range is empty: minimum 1 is greater than maximum 0 (write [0, 1])",
                "test.yaml:14:16: error: input.tensors[1].range must have exactly 2 entries, not 1",
                "test.yaml:15:9: error: missing required key 'name' in input.tensors[2]",
            ],
            PolicyYaml.Errors(Head + tail));
    }

    [Fact]
    public void Rejects_NonFiniteRange()
    {
        Assert.Equal(
            ["test.yaml:8:41: error: input.tensors[0].range[1] must be a finite number, not .inf"],
            PolicyYaml.Errors(Head + "  input:\n    tensors: [{ name: input, range: [0, .inf] }]\n"));
    }

    [Fact]
    public void Reports_AllErrorsOfAFile_InFileOrder()
    {
        const string yaml = """
            apiVersion: neuralsec.io/v1
            kind: FirewallPolicy
            metadata:
              name: Bad_Name
              lables: {}
            spec:
              models: [mnist]
              mode: enfroce
              input:
                maxBatch: 0
              output: { topK: many, decimals: 2, decimals: 3 }
            """;

        Assert.Equal(
            [
                "test.yaml:4:9: error: 'Bad_Name' is not a valid metadata.name (use 1 to 63 lowercase letters, digits and '-', starting and ending with a letter or digit)",
                "test.yaml:5:3: error: unknown key 'lables' in metadata (did you mean 'labels'?)",
                "test.yaml:8:9: error: 'enfroce' is not a valid mode (did you mean 'enforce'?)",
                "test.yaml:10:15: error: input.maxBatch must be between 1 and 100000, not 0",
                "test.yaml:11:19: error: output.topK must be an integer, not the string 'many'",
                "test.yaml:11:38: error: duplicate key 'decimals' in output (first set at line 11)",
            ],
            PolicyYaml.Errors(yaml));
        Assert.Null(PolicyYaml.Validate(yaml).Policy);
    }

    [Fact]
    public void Rejects_InvalidYaml_WithItsPosition()
    {
        var errors = PolicyYaml.Validate(Head + "  mode: [enforce\n").Errors;

        var error = Assert.Single(errors);
        Assert.StartsWith("invalid YAML: ", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line >= 7, error.ToString());
    }

    [Theory]
    [InlineData("  models2: [mnist, other\n  mode: enforce\n  onError: fail-open\n", 7, 12, '[')]
    [InlineData("  output: { topK: 1,\n  mode: enforce\n", 7, 11, '{')]
    [InlineData("  output:\n    topK: {2\n  mode: enforce\n", 8, 11, '{')]
    public void Rejects_AnUnclosedBracket_AtTheLineThatOpenedIt(string tail, int line, int column, char bracket)
    {
        var error = Assert.Single(PolicyYaml.Validate(Head + tail).Errors);

        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.StartsWith($"invalid YAML: the '{bracket}' opened here is not closed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_EmptyFile_AndNonMapping()
    {
        Assert.Equal(["test.yaml:1:1: error: the file holds no policy document"], PolicyYaml.Errors("# nothing\n"));
        Assert.Equal(["test.yaml:1:1: error: the policy must be a mapping, not a list"], PolicyYaml.Errors("- a\n- b\n"));
    }

    [Fact]
    public void Rejects_SecondDocument()
    {
        Assert.Equal(
            ["test.yaml:7:1: error: a policy file holds exactly one document (put each policy in its own file)"],
            PolicyYaml.Errors(Head + "---\n" + PolicyYaml.Minimal));
    }

    [Fact]
    public void Rejects_AnchorsAndAliases()
    {
        const string yaml = """
            apiVersion: neuralsec.io/v1
            kind: FirewallPolicy
            metadata: { name: x }
            spec:
              models: &m [mnist]
              clientGroups: *m
            """;

        Assert.Equal(
            [
                "test.yaml:5:11: error: anchors (&) and aliases (*) are not supported in policy files (write the value out)",
                "test.yaml:6:17: error: anchors (&) and aliases (*) are not supported in policy files (write the value out)",
            ],
            PolicyYaml.Errors(yaml));
    }

    [Fact]
    public void Rejects_UnknownDefenseType_WithTheRealCatalog()
    {
        var errors = PolicyYaml.Errors(Head + "  input:\n    image: { tensor: input }\n  preprocess:\n    - type: bitDeph\n      bits: 5\n", DefenseCatalog.All);
        var error = Assert.Single(errors);
        Assert.StartsWith("test.yaml:10:13: error: unknown preprocess type 'bitDeph' in preprocess[0]", error, StringComparison.Ordinal);
        Assert.Contains("did you mean 'bitDepth'?", error, StringComparison.Ordinal);
    }
}
