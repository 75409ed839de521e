namespace NeuralSec.Detectors.Stream;

/// <summary>Options of <see cref="FlaggedInputsDetector"/> (policy <c>type: flaggedInputs</c>).</summary>
/// <param name="Window">The sliding window the counts cover.</param>
/// <param name="Buckets">Time buckets in the window (its resolution).</param>
/// <param name="BaseRate">The share of a benign client's requests the input detectors flag (their calibrated
/// false-positive rate): the null hypothesis the score tests against.</param>
/// <param name="MinFlagged">Flagged requests in the window before the score may be above zero: a handful of unlucky
/// benign inputs never add up to a verdict on the client.</param>
public sealed record FlaggedInputsOptions(TimeSpan Window, int Buckets = 12, double BaseRate = 0.01, int MinFlagged = 5)
{
    public FlaggedInputsOptions()
        : this(TimeSpan.FromHours(1))
    {
    }
}
