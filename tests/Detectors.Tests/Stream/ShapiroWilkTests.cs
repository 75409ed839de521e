using NeuralSec.Detectors.Stream;

namespace NeuralSec.Detectors.Tests.Stream;

public sealed class ShapiroWilkTests
{
    // scipy's own regression values for scipy.stats.shapiro (scipy/stats/tests/test_morestats.py, TestShapiro.test_basic),
    // the last "extracted from original paper" (Shapiro & Wilk 1965, n = 25).
    [Theory]
    [InlineData(new[] { 0.11, 7.87, 4.61, 10.14, 7.95, 3.14, 0.46, 4.43, 0.21, 4.75, 0.71, 1.52, 3.24, 0.93, 0.42, 4.97, 9.53, 4.55, 0.47, 6.66 }, 0.90047299861907959, 1e-6)]
    [InlineData(new[] { 1.36, 1.14, 2.92, 2.55, 1.46, 1.06, 5.27, -1.11, 3.48, 1.10, 0.88, -0.51, 1.46, 0.52, 6.20, 1.69, 0.08, 3.67, 2.81, 3.49 }, 0.9590270, 1e-6)]
    [InlineData(new[] { 0.139, 0.157, 0.175, 0.256, 0.344, 0.413, 0.503, 0.577, 0.614, 0.655, 0.954, 1.392, 1.557, 1.648, 1.690, 1.994, 2.174, 2.206, 3.245, 3.510, 3.571, 4.354, 4.980, 6.084, 8.351 }, 0.83467, 1e-4)]
    public void W_MatchesScipysReferenceValues(double[] sample, double expected, double tolerance)
    {
        Assert.Equal(expected, ShapiroWilk.W(sample), tolerance);
    }

    // Shapiro & Wilk (1965), Table 5: the exact coefficients a_{n−i+1}, i = 1..n/2, from the expected normal order statistics
    // and their covariances. Royston's approximation must land on them.
    [Theory]
    [InlineData(3, new[] { 0.7071 })]
    [InlineData(4, new[] { 0.6872, 0.1677 })]
    [InlineData(5, new[] { 0.6646, 0.2413 })]
    [InlineData(6, new[] { 0.6431, 0.2806, 0.0875 })]
    [InlineData(7, new[] { 0.6233, 0.3031, 0.1401 })]
    [InlineData(8, new[] { 0.6052, 0.3164, 0.1743, 0.0561 })]
    [InlineData(9, new[] { 0.5888, 0.3244, 0.1976, 0.0947 })]
    [InlineData(10, new[] { 0.5739, 0.3291, 0.2141, 0.1224, 0.0399 })]
    public void Coefficients_AgreeWithTheExactTable(int n, double[] exact)
    {
        var a = new double[n / 2];
        ShapiroWilk.Coefficients(n, a);

        for (var i = 0; i < exact.Length; i++)
        {
            Assert.Equal(exact[i], a[i], 0.003);
        }
    }

    [Fact]
    public void W_IsNearOne_ForALargeNormalSample_AndLow_ForBimodalOrSpikedOnes()
    {
        var random = new Random(5);
        var normal = Enumerable.Range(0, 5000).Select(_ => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())).ToArray();
        var bimodal = normal.Take(1000).Select((v, i) => v + (i % 2 == 0 ? -6 : 6)).ToArray();
        var spiked = Enumerable.Range(0, 1000).Select(i => i % 5 == 0 ? 0.5 : random.NextDouble()).ToArray();

        Assert.InRange(ShapiroWilk.W(normal), 0.999, 1);
        Assert.InRange(ShapiroWilk.W(bimodal), 0, 0.85);
        Assert.InRange(ShapiroWilk.W(spiked), 0, 0.97);
    }

    [Fact]
    public void W_IgnoresOrderShiftAndScale()
    {
        double[] sample = [3.1, 0.4, 2.2, 9.5, 4.4, 4.0, 1.7, 6.3, 2.9, 5.0, 3.3];
        var reversed = sample.Reverse().ToArray();
        var moved = sample.Select(v => (1000 * v) - 7).ToArray();

        Assert.Equal(ShapiroWilk.W(sample), ShapiroWilk.W(reversed), 12);
        Assert.Equal(ShapiroWilk.W(sample), ShapiroWilk.W(moved), 9);
    }

    [Fact]
    public void W_RefusesTooFewOrNonFiniteValues_AndCallsAConstantSampleOne()
    {
        Assert.Throws<ArgumentException>(() => ShapiroWilk.W([1.0, 2.0]));
        Assert.Throws<ArgumentException>(() => ShapiroWilk.W(new double[5001]));
        Assert.Throws<ArgumentException>(() => ShapiroWilk.W([1.0, double.NaN, 2.0]));
        Assert.Equal(1.0, ShapiroWilk.W([2.0, 2.0, 2.0, 2.0]));
    }
}
