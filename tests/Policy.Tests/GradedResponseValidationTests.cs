using NeuralSec.Policy.Model;

namespace NeuralSec.Policy.Tests;

/// <summary>Graded answers in <c>detect</c> entries (<c>grades</c>, <c>action: repair</c>) and <c>spec.repair</c>: what binds,
/// and the line-precise errors for grades that could never apply or would answer a stronger score more gently.</summary>
public sealed class GradedResponseValidationTests
{
    private static readonly string Head = PolicyYaml.Minimal.Replace(
        "  models: [mnist]\n", "  models: [mnist]\n  input: { image: { tensor: input } }\n", StringComparison.Ordinal);

    private const string Repair = "  repair:\n    - { type: bitDepth, bits: 1 }\n";

    [Fact]
    public void Binds_grades_with_their_target_rates_and_the_repair_transforms()
    {
        const string detect = """
              detect:
                - type: squeeze
                  threshold: 0.5
                  action: repair
                  grades:
                    - { threshold: 1.2, action: block, fpr: 0.0005 }

            """;

        var result = PolicyYaml.Validate(Head + Repair + detect);

        Assert.Empty(result.Errors);
        var entry = result.Policy!.Detect[0];
        Assert.Equal(DefenseAction.Repair, entry.Action);
        var grade = Assert.Single(entry.Grades);
        Assert.Equal(1.2, grade.Threshold);
        Assert.Equal(DefenseAction.Block, grade.Action);
        Assert.Equal(0.0005, grade.TargetFpr);
        var repair = Assert.Single(result.Policy.Repair);
        Assert.Equal("bitDepth", repair.Type);
        Assert.Equal(1L, repair.Options["bits"]);
    }

    [Fact]
    public void Repair_without_repair_transforms_is_an_error_at_the_action()
    {
        const string detect = """
              detect:
                - { type: squeeze, threshold: 0.5, action: alert, grades: [{ threshold: 1, action: repair }] }

            """;

        Assert.Equal(
            ["test.yaml:9:88: error: action 'repair' needs spec.repair, the transforms that purify the input (add e.g. spec.repair: [{ type: bitDepth, bits: 1 }])"],
            PolicyYaml.Errors(Head + detect));
    }

    [Fact]
    public void Grades_must_climb_in_threshold_and_in_severity()
    {
        const string detect = """
              detect:
                - type: squeeze
                  threshold: 0.5
                  action: repair
                  grades:
                    - { threshold: 0.4, action: block }
                    - { threshold: 0.9, action: alert }

            """;

        Assert.Equal(
            [
                "test.yaml:15:24: error: detect[0].grades[0] threshold 0.4 is not above the previous threshold (0.5) (squeeze flags scores above its threshold: each grade starts further above)",
                "test.yaml:16:37: error: detect[0].grades[1] action 'alert' is not more severe than the previous grade's 'block' (order: alert < repair < degrade < throttle < block)",
            ],
            PolicyYaml.Errors(Head + Repair + detect));
    }

    [Fact]
    public void A_grade_needs_a_threshold_and_an_action_and_nothing_else()
    {
        const string detect = """
              detect:
                - { type: squeeze, threshold: 0.5, action: alert, grades: [{ action: block, refuse: true }] }

            """;

        var errors = PolicyYaml.Errors(Head + detect);

        Assert.Contains(errors, e => e.Contains("missing required key 'threshold'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("unknown key 'refuse'", StringComparison.Ordinal));
    }

    [Fact]
    public void Stream_detectors_cannot_repair_a_single_input()
    {
        const string extraction = """
              extraction:
                detectors:
                  - { type: duplicates, threshold: 25, action: repair }

            """;

        var errors = PolicyYaml.Errors(PolicyYaml.Minimal + extraction);

        var error = Assert.Single(errors);
        Assert.StartsWith("test.yaml:9:52: error: 'repair' is not a valid ", error, StringComparison.Ordinal);
    }
}
