using NeuralSec.Data;
using NeuralSec.Detectors.Stream;

namespace NeuralSec.RedTeam.Fingerprints;

/// <summary>
/// One view the diagnosis fingerprints: the pixels as shipped, each step of <see cref="FingerprintView"/> alone, and
/// the whole aligned view (policy <c>view: aligned</c>) — to show what each step buys.
/// </summary>
internal sealed record DiagnosedView(string Name, FingerprintViewSteps Steps)
{
    public static IReadOnlyList<DiagnosedView> All { get; } =
    [
        new("pixels (view: pixels)", FingerprintViewSteps.None),
        new("blurred", FingerprintViewSteps.Blur | FingerprintViewSteps.Normalise),
        new("aligned, not blurred", FingerprintViewSteps.Align | FingerprintViewSteps.Normalise),
        new("aligned + blurred (view: aligned)", FingerprintViewSteps.Aligned),
        new("upright + blurred (view: upright)", FingerprintViewSteps.UprightView),
    ];

    public float[] Apply(ReadOnlySpan<float> digit)
    {
        var view = new float[digit.Length];
        FingerprintView.Apply(digit, 1, MnistSplit.Rows, MnistSplit.Cols, Steps, view);
        return view;
    }
}
