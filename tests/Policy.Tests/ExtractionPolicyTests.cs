using NeuralSec.Detectors.Catalog;
using NeuralSec.Policy.Model;

namespace NeuralSec.Policy.Tests;

/// <summary><c>spec.extraction</c> and <c>spec.identity.keyUnidentifiedBy</c>: validated with positions like the
/// rest of the format, bound with their defaults.</summary>
public sealed class ExtractionPolicyTests
{
    private const string Head = PolicyYaml.Minimal;

    [Fact]
    public void Binds_the_stream_defenses_with_their_settings_and_defaults()
    {
        var result = PolicyYaml.Validate(Head + """
              extraction:
                window: 3600
                throttle: { tokensPerSecond: 0.5, burst: 2 }
                detectors:
                  - type: duplicates
                    threshold: 25
                    action: block
                  - type: normality
                    threshold: 0.9
                    action: throttle

            """);

        Assert.Empty(result.Errors);
        var extraction = result.Policy!.Extraction!;
        Assert.Equal(TimeSpan.FromHours(1), extraction.Window);
        Assert.Equal(TimeSpan.FromMinutes(10), extraction.Cooldown); // default
        Assert.Equal(new RateLimitPolicy(0.5, 2), extraction.Throttle);
        Assert.Equal(["duplicates", "normality"], extraction.Detectors.Select(d => d.Type));
        Assert.Equal(50L, extraction.Detectors[0].Options["window"]);
        Assert.Equal(DefenseAction.Block, extraction.Detectors[0].Action);
        Assert.Equal(0.9, extraction.Detectors[1].Threshold);
        Assert.Equal(DefenseAction.Throttle, extraction.Detectors[1].Action);
    }

    [Fact]
    public void A_policy_without_the_block_has_no_stream_defenses_and_keys_unidentified_callers_by_address()
    {
        var policy = PolicyYaml.Validate(Head).Policy!;

        Assert.Null(policy.Extraction);
        Assert.Equal(UnidentifiedKeying.Address, policy.Identity.KeyUnidentifiedBy);
        Assert.Equal(UnidentifiedKeying.Shared, PolicyYaml.Validate(Head + "  identity: { keyUnidentifiedBy: shared }\n").Policy!.Identity.KeyUnidentifiedBy);
    }

    [Fact]
    public void Escalation_without_input_detectors_is_refused_at_its_type()
    {
        var body = "  extraction:\n    detectors:\n      - type: flaggedInputs\n        threshold: 10\n";

        var error = Assert.Single(PolicyYaml.Errors(Head + body, DefenseCatalog.All));
        Assert.StartsWith("test.yaml:9:15: error: flaggedInputs counts the requests the detect entries flag, and this policy has none", error, StringComparison.Ordinal);
        Assert.Empty(PolicyYaml.Errors(Head + "  input:\n    image: { tensor: input, layout: NCHW }\n  detect:\n    - type: featureSqueezing\n      threshold: 1\n" + body, DefenseCatalog.All));
    }

    [Fact]
    public void Linked_clients_are_sanctioned_only_when_asked_and_need_a_near_duplicate_detector()
    {
        const string NearDuplicate = "    detectors:\n      - type: nearDuplicate\n        threshold: 30\n";
        Assert.Null(PolicyYaml.Validate(Head + "  extraction:\n" + NearDuplicate, DefenseCatalog.All).Policy!.Extraction!.LinkedClients);
        Assert.Null(PolicyYaml.Validate(Head + "  extraction:\n    linkedClients: none\n" + NearDuplicate, DefenseCatalog.All).Policy!.Extraction!.LinkedClients);
        Assert.Equal(DefenseAction.Degrade, PolicyYaml.Validate(Head + "  extraction:\n    linkedClients: degrade\n" + NearDuplicate, DefenseCatalog.All).Policy!.Extraction!.LinkedClients);
        Assert.Equal(DefenseAction.Block, PolicyYaml.Validate(Head + "  extraction:\n    linkedClients: block\n" + NearDuplicate, DefenseCatalog.All).Policy!.Extraction!.LinkedClients);

        var error = Assert.Single(PolicyYaml.Errors(Head + "  extraction:\n    linkedClients: degrade\n    detectors:\n      - type: distanceDistribution\n        threshold: 0.9\n", DefenseCatalog.All));
        Assert.StartsWith("test.yaml:8:20: error: linkedClients sanctions the clients a nearDuplicate flag names, and this policy has no nearDuplicate detector", error, StringComparison.Ordinal);
        Assert.Contains("none", Assert.Single(PolicyYaml.Errors(Head + "  extraction:\n    linkedClients: alert\n" + NearDuplicate, DefenseCatalog.All)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_disguised_degraded_answer_is_bound_and_needs_misinformation()
    {
        Assert.Equal(DegradedAnswer.LabelOnly, PolicyYaml.Validate(Head + "  output: { misinformBelow: 0.9 }\n", DefenseCatalog.All).Policy!.Output.DegradedAnswer);
        Assert.Equal(DegradedAnswer.Disguised, PolicyYaml.Validate(Head + "  output: { misinformBelow: 0.9, degradedAnswer: disguised }\n", DefenseCatalog.All).Policy!.Output.DegradedAnswer);

        var error = Assert.Single(PolicyYaml.Errors(Head + "  output:\n    topK: 1\n    degradedAnswer: disguised\n", DefenseCatalog.All));
        Assert.StartsWith("test.yaml:9:21: error: a disguised degraded answer differs from an ordinary one only where it misinforms, and misinformBelow is not set", error, StringComparison.Ordinal);
        Assert.Contains("labelOnly", Assert.Single(PolicyYaml.Errors(Head + "  output: { misinformBelow: 0.9, degradedAnswer: hidden }\n", DefenseCatalog.All)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_stream_detector_needs_a_threshold()
    {
        Assert.Equal(
            ["test.yaml:9:9: error: missing required key 'threshold' in extraction.detectors[0]"],
            PolicyYaml.Errors(Head + "  extraction:\n    detectors:\n      - type: duplicates\n").Select(e => e.Split(" (", 2)[0].Split(" [", 2)[0]).ToArray());
    }

    [Fact]
    public void An_input_detector_in_the_stream_list_is_told_where_it_belongs()
    {
        var errors = PolicyYaml.Errors(Head + "  extraction:\n    detectors:\n      - type: squeeze\n        threshold: 1\n");

        var error = Assert.Single(errors);
        Assert.StartsWith("test.yaml:9:15: error: 'squeeze' is a detector and cannot be used in extraction.detectors[0]", error, StringComparison.Ordinal);
        Assert.Contains("move it to spec.detect", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stream_detector_in_the_detect_list_is_told_where_it_belongs()
    {
        var error = Assert.Single(PolicyYaml.Errors(Head + "  input: { image: { tensor: input } }\n  detect:\n    - type: duplicates\n      threshold: 25\n"));

        Assert.Contains("'duplicates' is a stream detector and cannot be used in detect[0]", error, StringComparison.Ordinal);
        Assert.Contains("move it to spec.extraction.detectors", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("    window: 10\n", "window")]
    [InlineData("    cooldown: 0\n", "cooldown")]
    [InlineData("    throttle: { tokensPerSecond: 0, burst: 1 }\n", "tokensPerSecond")]
    [InlineData("    detectors:\n      - type: duplicates\n        threshold: 25\n        action: refuse\n", "action")]
    [InlineData("    detectors:\n      - type: duplicates\n        threshold: 25\n        window: 0\n", "window")]
    public void Out_of_bounds_settings_are_refused_at_their_line(string body, string key)
    {
        var error = Assert.Single(PolicyYaml.Errors(Head + "  extraction:\n" + body));

        Assert.Contains(key, error, StringComparison.Ordinal);
        Assert.StartsWith("test.yaml:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_keying_is_refused_with_the_choices()
    {
        var error = Assert.Single(PolicyYaml.Errors(Head + "  identity: { keyUnidentifiedBy: ip }\n"));

        Assert.Contains("address", error, StringComparison.Ordinal);
        Assert.Contains("shared", error, StringComparison.Ordinal);
    }
}
