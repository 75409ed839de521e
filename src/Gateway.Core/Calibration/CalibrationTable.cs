using System.Globalization;
using System.Text;
using NeuralSec.Policy.Editing;

namespace NeuralSec.Gateway.Calibration;

/// <summary>
/// The report: one row per detect entry — benign count, threshold, the false-positive rate it gives on the benign set
/// and the detection rate on each adversarial set — and an "any detector" row, which is what the policy as a whole
/// does (a request is flagged when any detector flags it, so false positives add up across detectors).
/// </summary>
internal static class CalibrationTable
{
    public static string Format(IReadOnlyList<DetectorCalibration> detectors, CalibrationImages benign, IReadOnlyList<CalibrationImages> adversarial)
    {
        var header = new List<string> { "detector", "flags", "n benign", "threshold", "benign FPR" };
        header.AddRange(adversarial.Select((a, i) => $"detected [{i + 1}]"));
        var rows = new List<string[]> { header.ToArray() };
        foreach (var d in detectors)
        {
            var row = new List<string>
            {
                $"detect[{d.Index}] {d.Spec.Type}",
                d.FlagsBelowThreshold ? "score < t" : "score > t",
                d.BenignScores.Count.ToString(CultureInfo.InvariantCulture),
                PolicyRewriter.Number(d.Threshold),
                Rate(d.BenignScores.Count(d.Flags), d.BenignScores.Count),
            };
            row.AddRange(d.AdversarialScores.Select(scores => Rate(scores.Count(d.Flags), scores.Count)));
            rows.Add(row.ToArray());
            foreach (var (grade, _, threshold) in d.Grades)
            {
                bool Reaches(double score) => Detectors.Detection.DetectorResult.IsBeyond(score, threshold, d.FlagsBelowThreshold);
                var gradeRow = new List<string>
                {
                    $"  grades[{grade}] {d.Spec.Grades[grade].Action.ToString().ToLowerInvariant()}",
                    d.FlagsBelowThreshold ? "score < t" : "score > t",
                    d.BenignScores.Count.ToString(CultureInfo.InvariantCulture),
                    PolicyRewriter.Number(threshold),
                    Rate(d.BenignScores.Count(Reaches), d.BenignScores.Count),
                };
                gradeRow.AddRange(d.AdversarialScores.Select(scores => Rate(scores.Count(Reaches), scores.Count)));
                rows.Add(gradeRow.ToArray());
            }
        }

        var any = new List<string> { "any detector", "", benign.Images.Count.ToString(CultureInfo.InvariantCulture), "", Rate(AnyFlagged(detectors, d => d.BenignScores), benign.Images.Count) };
        for (var set = 0; set < adversarial.Count; set++)
        {
            var index = set;
            any.Add(Rate(AnyFlagged(detectors, d => d.AdversarialScores[index]), adversarial[set].Images.Count));
        }

        rows.Add(any.ToArray());
        var widths = Enumerable.Range(0, header.Count).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.AppendJoin("  ", row.Select((cell, c) => c is 0 or 1 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).Append('\n');
        }

        text.Append(CultureInfo.InvariantCulture, $"benign: {benign.Description}, {benign.Images.Count} images\n");
        for (var i = 0; i < adversarial.Count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"[{i + 1}] adversarial: {adversarial[i].Description}, {adversarial[i].Images.Count} images\n");
        }

        return text.ToString();
    }

    private static int AnyFlagged(IReadOnlyList<DetectorCalibration> detectors, Func<DetectorCalibration, IReadOnlyList<double>> scores)
    {
        if (detectors.Count == 0)
        {
            return 0;
        }

        var count = scores(detectors[0]).Count;
        return Enumerable.Range(0, count).Count(n => detectors.Any(d => d.Flags(scores(d)[n])));
    }

    private static string Rate(int flagged, int total) =>
        total == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * flagged / total:0.00}% ({flagged}/{total})");
}
