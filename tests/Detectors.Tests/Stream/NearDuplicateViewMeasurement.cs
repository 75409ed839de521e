using System.Text;
using NeuralSec.Detectors.Stream;

namespace NeuralSec.Detectors.Tests.Stream;

/// <summary>What docs/stream-detectors.md reports for the fingerprint views on benign traffic: the 10,000 fixture digits
/// inserted in order, each matched against all before it, on the pixels (q 50, w 20), the aligned and the upright view
/// (q 80, w 10): how often the best earlier match, and the M-th best (the score with <c>matches: M</c>), is above T.</summary>
internal static class NearDuplicateViewMeasurement
{
    public const int Threshold = 30;

    public static IReadOnlyList<(string View, NearDuplicateOptions Options)> Views { get; } =
    [
        ("pixels", new NearDuplicateOptions()),
        ("aligned", new NearDuplicateOptions(Quantization: 80, Window: 10, View: FingerprintViewSteps.Aligned)),
        ("upright", new NearDuplicateOptions(Quantization: 80, Window: 10, View: FingerprintViewSteps.UprightView)),
    ];

    /// <summary>Per digit, the shared hashes with its best, 4th-best and 10th-best earlier digit.</summary>
    public static (int[] Best, int[] Fourth, int[] Tenth) Scores(NearDuplicateOptions options)
    {
        var matches = NearDuplicateMeasurement.BenignMatches(NearDuplicateMeasurement.Detector(options), evidence: 10);
        return ([.. matches.Select(m => m.SharedWith(1))], [.. matches.Select(m => m.SharedWith(4))], [.. matches.Select(m => m.SharedWith(10))]);
    }

    public static string Table()
    {
        var text = new StringBuilder();
        text.AppendLine(FormattableString.Invariant($"| view | q | w | best earlier match > {Threshold} | max | 4th-best > {Threshold} (matches: 4) | 10th-best > {Threshold} (matches: 10) | max 10th-best |"));
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var (view, options) in Views)
        {
            var (best, fourth, tenth) = Scores(options);
            text.AppendLine(FormattableString.Invariant(
                $"| {view} | {options.Quantization} | {options.Window} | {NearDuplicateMeasurement.RateAbove(best, Threshold):P2} | {best.Max()} | {NearDuplicateMeasurement.RateAbove(fourth, Threshold):P2} | {NearDuplicateMeasurement.RateAbove(tenth, Threshold):P2} | {tenth.Max()} |"));
        }

        return text.ToString();
    }
}
