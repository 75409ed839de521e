using System.Buffers;
using NeuralSec.Detectors.Calibration;

namespace NeuralSec.Detectors.Stream;

/// <summary>
/// The Shapiro–Wilk normality statistic W by Royston's approximation of the coefficients (Royston 1992, 1995; algorithm
/// AS R94 — the one behind scipy.stats.shapiro, which PRADA's reference code calls, and R's shapiro.test), for 3 ≤ n ≤ 5000.
/// W is the squared correlation between the ordered sample and the coefficients (computed as 1 − (1 − W), as AS R94 does, so
/// W near 1 keeps its digits in large samples).
/// </summary>
public static class ShapiroWilk
{
    public const int MinimumCount = 3;
    public const int MaximumCount = 5000;

    // Royston (1992) polynomial corrections in u = 1/√n for the two largest coefficients (AS R94's C1, C2).
    private static readonly double[] LargestCorrection = [0.0, 0.221157, -0.147981, -2.071190, 4.434685, -2.706056];
    private static readonly double[] SecondCorrection = [0.0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633];

    /// <summary>W in (0, 1] of the sample (any order); near 1 for a normal sample, low for a sample that is not. A sample with
    /// zero range gives 1, as AS R94 (and scipy) leave it.</summary>
    /// <exception cref="ArgumentException">Fewer than 3 or more than 5000 values, or a value that is not finite.</exception>
    public static double W(ReadOnlySpan<double> sample)
    {
        var n = sample.Length;
        if (n is < MinimumCount or > MaximumCount)
        {
            throw new ArgumentException($"Shapiro–Wilk needs {MinimumCount} to {MaximumCount} values, got {n}", nameof(sample));
        }

        var rented = ArrayPool<double>.Shared.Rent(n + (n / 2));
        try
        {
            var x = rented.AsSpan(0, n);
            sample.CopyTo(x);
            foreach (var v in x)
            {
                if (!double.IsFinite(v))
                {
                    throw new ArgumentException("Shapiro–Wilk values must be finite", nameof(sample));
                }
            }

            x.Sort();
            var a = rented.AsSpan(n, n / 2);
            Coefficients(n, a);
            return Statistic(x, a);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>The n/2 positive coefficients a_1 ≥ … (a_i weighs x_(n+1−i) − x_(i)); AS R94's initialisation.</summary>
    internal static void Coefficients(int n, Span<double> a)
    {
        var half = n / 2;
        if (n == 3)
        {
            a[0] = Math.Sqrt(0.5);
            return;
        }

        // m_i: Blom's approximation of the expected normal order statistics (negative for the lower half).
        var an25 = n + 0.25;
        var summ2 = 0.0;
        for (var i = 0; i < half; i++)
        {
            a[i] = NormalDistribution.InverseCdf((i + 1 - 0.375) / an25);
            summ2 += a[i] * a[i];
        }

        summ2 *= 2;
        var ssumm2 = Math.Sqrt(summ2);
        var rsn = 1 / Math.Sqrt(n);
        var a1 = Polynomial(LargestCorrection, rsn) - (a[0] / ssumm2);
        int first;
        double fac;
        if (n > 5)
        {
            first = 2;
            var a2 = (-a[1] / ssumm2) + Polynomial(SecondCorrection, rsn);
            fac = Math.Sqrt((summ2 - (2 * a[0] * a[0]) - (2 * a[1] * a[1])) / (1 - (2 * a1 * a1) - (2 * a2 * a2)));
            a[1] = a2;
        }
        else
        {
            first = 1;
            fac = Math.Sqrt((summ2 - (2 * a[0] * a[0])) / (1 - (2 * a1 * a1)));
        }

        a[0] = a1;
        for (var i = first; i < half; i++)
        {
            a[i] = -a[i] / fac;
        }
    }

    private static double Statistic(ReadOnlySpan<double> x, ReadOnlySpan<double> a)
    {
        var n = x.Length;
        var range = x[n - 1] - x[0];
        if (!(range > 1e-19 * Math.Max(1, Math.Abs(x[0]))))
        {
            return 1;
        }

        // Squared correlation of the range-scaled sample with the antisymmetric coefficient vector (−a_1, −a_2, …, a_2, a_1).
        double meanX = 0, meanA = 0;
        for (var i = 0; i < n; i++)
        {
            meanX += x[i] / range;
            meanA += Coefficient(a, n, i);
        }

        meanX /= n;
        meanA /= n;
        double ssa = 0, ssx = 0, sax = 0;
        for (var i = 0; i < n; i++)
        {
            var da = Coefficient(a, n, i) - meanA;
            var dx = (x[i] / range) - meanX;
            ssa += da * da;
            ssx += dx * dx;
            sax += da * dx;
        }

        var root = Math.Sqrt(ssa * ssx);
        var oneMinusW = (root - sax) * (root + sax) / (ssa * ssx);
        var w = 1 - oneMinusW;
        return n == 3 ? Math.Max(w, 0.75) : w;
    }

    private static double Coefficient(ReadOnlySpan<double> a, int n, int i)
    {
        var j = n - 1 - i;
        return i < j ? -a[i] : i > j ? a[j] : 0;
    }

    private static double Polynomial(double[] c, double x)
    {
        var sum = 0.0;
        for (var k = c.Length - 1; k >= 0; k--)
        {
            sum = (sum * x) + c[k];
        }

        return sum;
    }
}
