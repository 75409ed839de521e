using NeuralSec.Policy.Editing;

namespace NeuralSec.Policy.Tests.Editing;

/// <summary>In-place edits of policy text: values replaced where they stand, missing keys added after <c>type</c>,
/// everything else byte for byte.</summary>
public sealed class PolicyRewriterTests
{
    private const string Head = "apiVersion: neuralsec.io/v1\nkind: FirewallPolicy\nmetadata: { name: p }\nspec:\n  models: [mnist]\n  detect:\n";

    [Fact]
    public void Replaces_an_existing_threshold_in_a_flow_mapping_and_keeps_comments()
    {
        var text = Head + "    - { type: featureSqueezing, threshold: 0.5, action: block }  # fs\n  mode: enforce\n";

        var result = PolicyRewriter.Apply(text, [new DetectorUpdate(0, 0.0125)]);

        Assert.Equal(text.Replace("threshold: 0.5", "threshold: 0.0125", StringComparison.Ordinal), result);
    }

    [Fact]
    public void Inserts_a_missing_threshold_after_type_in_a_block_mapping_at_the_keys_indentation()
    {
        var text = Head + "    # first\n    - type: reconstructionError   # MagNet I\n      autoencoder: mnist-autoencoder\n    - type: strip\n      pool: pool.bin.gz\n      threshold: 0.2\n";

        var result = PolicyRewriter.Apply(text, [new DetectorUpdate(0, 1e-5), new DetectorUpdate(1, 0.25)]);

        Assert.Equal(
            Head + "    # first\n    - type: reconstructionError   # MagNet I\n      threshold: 1E-05\n      autoencoder: mnist-autoencoder\n    - type: strip\n      pool: pool.bin.gz\n      threshold: 0.25\n",
            result);
    }

    [Fact]
    public void Statistics_lists_replace_block_lists_on_the_key_line_and_flow_lists_in_place()
    {
        // A block list may sit at its key's indentation, where a flow list on the next line would not parse.
        var text = Head + "  - type: statistics\n    benignMean:\n    - 0.1\n    - 0.2\n    benignStd: [1, 2]\n    features: [mean, std]\n    threshold: 3\n";

        var result = PolicyRewriter.Apply(text, [new DetectorUpdate(0, 2.5) { BenignMean = [0.25, 0.5], BenignStd = [0.125, 1] }]);

        Assert.Equal(Head + "  - type: statistics\n    benignMean: [0.25, 0.5]\n    benignStd: [0.125, 1]\n    features: [mean, std]\n    threshold: 2.5\n", result);
    }

    [Fact]
    public void Keeps_crlf_line_endings_and_a_last_line_without_newline()
    {
        var text = (Head + "    - type: featureSqueezing\n      action: alert").Replace("\n", "\r\n", StringComparison.Ordinal);

        var result = PolicyRewriter.Apply(text, [new DetectorUpdate(0, 0.75)]);

        Assert.Equal((Head + "    - type: featureSqueezing\n      threshold: 0.75\n      action: alert").Replace("\n", "\r\n", StringComparison.Ordinal), result);
    }

    [Fact]
    public void FillMissing_adds_placeholders_only_where_keys_are_missing()
    {
        var text = Head + "    - { type: featureSqueezing, threshold: 0.5 }\n    - { type: statistics, features: [mean, std, midGrey] }\n";

        var result = PolicyRewriter.FillMissing(text);

        Assert.Equal(Head + "    - { type: featureSqueezing, threshold: 0.5 }\n    - { type: statistics, threshold: 0, benignMean: [0, 0, 0], benignStd: [1, 1, 1], features: [mean, std, midGrey] }\n", result);
    }

    [Theory]
    [InlineData("spec: { models: [mnist] }\n")]
    [InlineData("not: [valid")]
    public void FillMissing_gives_up_on_text_without_a_detect_list(string text) => Assert.Null(PolicyRewriter.FillMissing(text));

    [Fact]
    public void Numbers_round_trip() =>
        Assert.Equal(0.1 + 0.2, double.Parse(PolicyRewriter.Number(0.1 + 0.2), System.Globalization.CultureInfo.InvariantCulture));
}
