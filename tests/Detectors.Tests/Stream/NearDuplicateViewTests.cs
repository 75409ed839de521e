using NeuralSec.Detectors.Stream;

namespace NeuralSec.Detectors.Tests.Stream;

/// <summary><c>view: aligned</c> and <c>matches: M</c>: the near-duplicate detector's answer to an attacker that shifts,
/// rescales and adds noise to every query, and to the camera client that a view robust to that also matches.</summary>
public sealed class NearDuplicateViewTests
{
    private static readonly NearDuplicateOptions Aligned = new(Quantization: 80, Window: 10, View: FingerprintViewSteps.Aligned);

    [Fact]
    public void The_aligned_view_of_a_shifted_brighter_digit_is_the_view_of_the_digit()
    {
        var digit = Digits.Test.Image(4).ToArray();
        var moved = Shift(digit, dx: 1, dy: -1);
        for (var i = 0; i < moved.Length; i++)
        {
            moved[i] *= 0.9f;
        }

        var (a, b) = (new float[Digits.Pixels], new float[Digits.Pixels]);
        FingerprintView.Apply(digit, 1, 28, 28, FingerprintViewSteps.Aligned, a);
        FingerprintView.Apply(moved, 1, 28, 28, FingerprintViewSteps.Aligned, b);

        Assert.Equal(1f, a.Max(), 5);
        Assert.Equal(a, b, (x, y) => Math.Abs(x - y) < 1e-5f);
    }

    [Fact]
    public void A_shifted_copy_shares_its_fingerprint_on_the_aligned_view_and_not_on_the_pixels()
    {
        var digit = Digits.Test.Image(7).ToArray();
        var moved = Shift(digit, dx: -1, dy: 1);
        var pixels = NearDuplicateMeasurement.Detector(new NearDuplicateOptions());
        var aligned = NearDuplicateMeasurement.Detector(Aligned);

        Assert.True(pixels.Fingerprint(digit, 1, 28, 28).Shared(pixels.Fingerprint(moved, 1, 28, 28)) < 10);
        Assert.Equal(50, aligned.Fingerprint(digit, 1, 28, 28).Shared(aligned.Fingerprint(moved, 1, 28, 28)));
        // The pixels view needs no geometry; a view does.
        Assert.Equal(pixels.Fingerprint(digit).Hashes.ToArray(), pixels.Fingerprint(digit, 1, 28, 28).Hashes.ToArray());
        Assert.Throws<InvalidOperationException>(() => aligned.Fingerprint(digit));
    }

    [Fact]
    public void With_matches_M_a_query_scores_only_once_M_earlier_near_duplicates_are_on_record()
    {
        var detector = NearDuplicateMeasurement.Detector(Aligned with { Matches = 3, Evidence = 1 });
        var index = NearDuplicateMeasurement.Index();
        var digit = Digits.Test.Image(11).ToArray();
        index.MatchAndAdd(detector.Fingerprint(Digits.Test.Image(12), 1, 28, 28), Query("other"), detector.Evidence);

        var scores = new List<int>();
        var best = new List<int>();
        for (var copy = 0; copy < 5; copy++)
        {
            var match = index.MatchAndAdd(detector.Fingerprint(Shift(digit, copy % 2, copy / 2), 1, 28, 28), Query($"copy{copy}"), detector.Evidence);
            scores.Add(detector.Score(match));
            best.Add(match.SharedHashes);
        }

        Assert.Equal(3, detector.Evidence); // at least M earlier matches are asked for, whatever the alert's evidence
        // Until three copies are on record the third-best match is the unrelated digit (a hash or two at most).
        Assert.All(scores.Take(3), s => Assert.InRange(s, 0, 5));
        Assert.Equal([50, 50], scores.Skip(3));
        Assert.Equal([50, 50, 50, 50], best.Skip(1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void Matches_out_of_range_is_refused(int matches)
    {
        Assert.Throws<ArgumentException>(() => NearDuplicateMeasurement.Detector(new NearDuplicateOptions(Matches: matches)));
    }

    [Fact]
    public void The_policy_options_build_the_aligned_counting_detector()
    {
        var detector = Assert.IsType<NearDuplicateDetector>(DefenseFactory.CreateStreamDetector("nearDuplicate", new Dictionary<string, object>
        {
            ["view"] = "aligned",
            ["matches"] = 4L,
            ["salt"] = "s",
        }));
        Assert.NotEmpty(DefenseFactory.Validate("nearDuplicate", new Dictionary<string, object> { ["view"] = "rotated", ["salt"] = "s" }));
        Assert.NotEmpty(DefenseFactory.Validate("nearDuplicate", new Dictionary<string, object> { ["matches"] = 0L, ["salt"] = "s" }));

        Assert.Equal(FingerprintViewSteps.Aligned, detector.Options.View);
        Assert.Equal(4, detector.Matches);
    }

    private static float[] Shift(float[] image, int dx, int dy)
    {
        var moved = new float[image.Length];
        for (var y = 0; y < 28; y++)
        {
            for (var x = 0; x < 28; x++)
            {
                var (sx, sy) = (x - dx, y - dy);
                moved[(y * 28) + x] = sx is >= 0 and < 28 && sy is >= 0 and < 28 ? image[(sy * 28) + sx] : 0;
            }
        }

        return moved;
    }

    private static QueryReference Query(string id) => new(id, "client", DateTimeOffset.UnixEpoch);
}
