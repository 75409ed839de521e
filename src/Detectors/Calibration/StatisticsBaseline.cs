using NeuralSec.Detectors.Detection.Statistics;
using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Calibration;

/// <summary>Benign means and standard deviations of the <c>statistics</c> detector's features — fitted by calibration on
/// benign images and written into the policy as its <c>features</c>, <c>benignMean</c> and <c>benignStd</c> options.</summary>
public sealed record StatisticsBaseline(IReadOnlyList<string> Features, IReadOnlyList<double> Mean, IReadOnlyList<double> Std)
{
    /// <summary>Floor of a fitted σ: a feature constant on benign data (outOfRange is 0 on every clean image) still gets a
    /// finite z-score, and any deviation from the constant scores very high — which is what it should do.</summary>
    public const double MinimumStd = 1e-6;

    public static StatisticsBaseline Fit(ImageBatch benign, IReadOnlyList<string>? features = null, double greyLow = StatisticsDefinition.DefaultGreyLow, double greyHigh = StatisticsDefinition.DefaultGreyHigh)
    {
        ArgumentNullException.ThrowIfNull(benign);
        if (benign.Count < 2)
        {
            throw new ArgumentException("fitting benign statistics needs at least two images", nameof(benign));
        }

        var names = (features ?? StatisticsDefinition.DefaultFeatures).ToArray();
        var parsed = names.Select(ImageFeatures.Parse).ToArray();
        var values = StatisticsDetector.Compute(benign, parsed, greyLow, greyHigh);
        var mean = new double[names.Length];
        var std = new double[names.Length];
        for (var k = 0; k < names.Length; k++)
        {
            double sum = 0, squares = 0;
            for (var n = 0; n < benign.Count; n++)
            {
                sum += values[n, k];
            }

            mean[k] = sum / benign.Count;
            for (var n = 0; n < benign.Count; n++)
            {
                squares += (values[n, k] - mean[k]) * (values[n, k] - mean[k]);
            }

            std[k] = Math.Max(Math.Sqrt(squares / benign.Count), MinimumStd);
        }

        return new StatisticsBaseline(names, mean, std);
    }

    /// <summary>The option values to write into the policy entry (merge with greyLow/greyHigh if they were not defaults).</summary>
    public IReadOnlyDictionary<string, object> ToOptions() => new Dictionary<string, object>(StringComparer.Ordinal)
    {
        ["features"] = Features.ToArray(),
        ["benignMean"] = Mean.ToArray(),
        ["benignStd"] = Std.ToArray(),
    };
}
