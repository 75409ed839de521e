namespace NeuralSec.RedTeam.Live;

/// <summary>One detector's ROC on one adversarial set, scored by the live sidecar: (FPR, TPR) points over the benign
/// and adversarial scores, the area under it, and the defended policy's own operating point.</summary>
internal sealed record RocCurve(string Detector, string Set, int Benign, int Positives, double Auc, double Threshold, double FprAtThreshold, double TprAtThreshold, IReadOnlyList<double[]> Points)
{
    /// <summary>From scores where higher is more suspicious.</summary>
    public static RocCurve Of(string detector, string set, IReadOnlyList<double> benign, IReadOnlyList<double> positives, double threshold)
    {
        var thresholds = benign.Concat(positives).Distinct().OrderDescending().ToArray();
        var points = new List<double[]> { (double[])[0d, 0d] };
        foreach (var t in thresholds)
        {
            points.Add([Rate(benign, t), Rate(positives, t)]);
        }

        points.Add([1d, 1d]);
        var auc = 0.0;
        for (var i = 1; i < points.Count; i++)
        {
            auc += (points[i][0] - points[i - 1][0]) * (points[i][1] + points[i - 1][1]) / 2;
        }

        // Keep at most ~80 points: enough to draw, small in results.json.
        var step = Math.Max(1, points.Count / 80);
        var kept = points.Where((_, i) => i % step == 0 || i == points.Count - 1).ToArray();
        return new RocCurve(detector, set, benign.Count, positives.Count, auc, threshold, FlaggedAbove(benign, threshold), FlaggedAbove(positives, threshold), kept);
    }

    private static double Rate(IReadOnlyList<double> scores, double threshold) => scores.Count == 0 ? double.NaN : (double)scores.Count(s => s >= threshold) / scores.Count;

    private static double FlaggedAbove(IReadOnlyList<double> scores, double threshold) => scores.Count == 0 ? double.NaN : (double)scores.Count(s => s > threshold) / scores.Count;
}
