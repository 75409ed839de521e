namespace NeuralSec.Detectors.Detection;

/// <summary>A detector's scores for one request: one per image, and the most suspicious of them.</summary>
public sealed class DetectorResult
{
    public DetectorResult(IReadOnlyList<double> imageScores, bool flagsBelowThreshold)
    {
        ArgumentNullException.ThrowIfNull(imageScores);
        ImageScores = imageScores;
        FlagsBelowThreshold = flagsBelowThreshold;
        Score = imageScores.Count == 0 ? double.NaN : flagsBelowThreshold ? imageScores.Min() : imageScores.Max();
    }

    /// <summary>The most suspicious image's score (the minimum when low is suspicious, else the maximum); NaN for no images.</summary>
    public double Score { get; }

    public IReadOnlyList<double> ImageScores { get; }

    public bool FlagsBelowThreshold { get; }

    /// <summary>The calibration rule: flagged iff the score is strictly beyond the threshold (score &gt; t, or &lt; t when low
    /// is suspicious). A request is flagged when any of its images is.</summary>
    public bool IsFlagged(double threshold) => IsBeyond(Score, threshold, FlagsBelowThreshold);

    public static bool IsBeyond(double score, double threshold, bool flagsBelowThreshold) =>
        flagsBelowThreshold ? score < threshold : score > threshold;
}
