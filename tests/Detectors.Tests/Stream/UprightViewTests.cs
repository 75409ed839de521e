using NeuralSec.Detectors.Stream;
using NeuralSec.Tests.Shared;

namespace NeuralSec.Detectors.Tests.Stream;

/// <summary><c>view: upright</c>: the ink turned so its principal axis is vertical and scaled to a standard spread, so that
/// an attacker who rotates and rescales its queries (which centring does not undo) is seen again.</summary>
public sealed class UprightViewTests
{
    private static readonly NearDuplicateOptions Aligned = new(Quantization: 80, Window: 10, View: FingerprintViewSteps.Aligned);
    private static readonly NearDuplicateOptions Upright = Aligned with { View = FingerprintViewSteps.UprightView };

    [Theory]
    [InlineData(20, 1.0)]
    [InlineData(-35, 0.7)]
    [InlineData(50, 1.3)]
    public void A_tilted_stroke_is_turned_upright_centred_and_scaled_to_the_standard_spread(double tiltDegrees, double size)
    {
        var stroke = Stroke(tiltDegrees, size, centreX: 11, centreY: 15);
        var view = new float[stroke.Length];
        FingerprintView.Apply(stroke, 1, 28, 28, FingerprintViewSteps.Upright, view);

        var before = InkMoments.Of(stroke, 1, 28, 28);
        var after = InkMoments.Of(view, 1, 28, 28);
        Assert.True(before.Xy * tiltDegrees < 0, $"the stroke leans: {before}"); // y points down, so a clockwise lean has Xy < 0
        Assert.InRange(after.X, 13.0, 14.0);
        Assert.InRange(after.Y, 13.0, 14.0);
        Assert.True(after.Yy > 4 * after.Xx, $"upright: {after}");
        Assert.InRange(Math.Atan2(after.Xy, after.Yy - after.Xx) * 90 / Math.PI, -2, 2); // the axis within 2° of vertical
        Assert.InRange(Math.Sqrt(after.Xx + after.Yy), 0.95 * 28 * FingerprintView.StandardSpread, 1.05 * 28 * FingerprintView.StandardSpread);
    }

    [Fact]
    public void An_image_without_ink_is_left_as_it_is()
    {
        var faint = Enumerable.Range(0, 784).Select(i => (i % 7) * 0.01f).ToArray();
        var view = new float[faint.Length];
        FingerprintView.Apply(faint, 1, 28, 28, FingerprintViewSteps.Upright, view);
        Assert.Equal(faint, view);
    }

    [Fact]
    public void Rotated_and_rescaled_copies_match_on_the_upright_view_and_not_on_the_aligned_view()
    {
        var aligned = NearDuplicateMeasurement.Detector(Aligned);
        var upright = NearDuplicateMeasurement.Detector(Upright);
        var (onAligned, onUpright, distinct) = (0, 0, 0);
        const int Digits = 40;
        for (var i = 0; i < Digits; i++)
        {
            var digit = Stream.Digits.Test.Image(100 + i).ToArray();
            var a = DigitWarp.Apply(digit, degrees: 8, scale: 1.08, dx: 1);
            var b = DigitWarp.Apply(digit, degrees: -8, scale: 0.93, dy: -1);
            onAligned += aligned.Fingerprint(a, 1, 28, 28).Shared(aligned.Fingerprint(b, 1, 28, 28)) >= 30 ? 1 : 0;
            onUpright += upright.Fingerprint(a, 1, 28, 28).Shared(upright.Fingerprint(b, 1, 28, 28)) >= 30 ? 1 : 0;
            var other = Stream.Digits.Test.Image(200 + i).ToArray();
            distinct += upright.Fingerprint(digit, 1, 28, 28).Shared(upright.Fingerprint(other, 1, 28, 28)) >= 30 ? 1 : 0;
        }

        Assert.True(onUpright >= Digits / 3, $"upright: {onUpright} of {Digits}");
        Assert.True(onAligned <= Digits / 10, $"aligned: {onAligned} of {Digits}");
        Assert.Equal(0, distinct);
    }

    [Fact]
    public void The_policy_option_builds_the_upright_view()
    {
        var detector = Assert.IsType<NearDuplicateDetector>(DefenseFactory.CreateStreamDetector("nearDuplicate", new Dictionary<string, object>
        {
            ["view"] = "upright",
            ["salt"] = "s",
        }));
        Assert.Equal(FingerprintViewSteps.UprightView, detector.Options.View);
        Assert.Throws<ArgumentException>(() => NearDuplicateMeasurement.Detector(new NearDuplicateOptions(View: (FingerprintViewSteps)16)));
    }

    /// <summary>An elliptic stroke, 2.2 × 6 pixels (σ) times <paramref name="size"/>, its long axis leaning
    /// <paramref name="tiltDegrees"/> clockwise from vertical (as drawn, y down).</summary>
    private static float[] Stroke(double tiltDegrees, double size, double centreX, double centreY)
    {
        var (sin, cos) = Math.SinCos(tiltDegrees * Math.PI / 180);
        var image = new float[784];
        for (var y = 0; y < 28; y++)
        {
            for (var x = 0; x < 28; x++)
            {
                var (u, v) = (x - centreX, y - centreY);
                var (across, along) = (((cos * u) + (sin * v)) / (2.2 * size), ((-sin * u) + (cos * v)) / (6 * size));
                image[(y * 28) + x] = (float)Math.Exp(-0.5 * ((across * across) + (along * along)));
            }
        }

        return image;
    }
}
