using NeuralSec.Detectors.Calibration;

namespace NeuralSec.RedTeam.Attacks;

/// <summary>
/// The statistics detector as the adaptive attacker sees it: each feature's z-score against the benign baseline, and
/// the gradient of the hinge Σₖ max(0, |zₖ|/t − margin) on one 28×28 image. Mean, deviation and total variation are
/// differentiated exactly (total variation by its sign subgradient); the mid-grey fraction is a count with zero
/// gradient, replaced by a smooth count (a product of two sigmoids of width 0.02 around the band) — BPDA's idea for a
/// step function.
/// </summary>
internal sealed class StatisticsGradient(StatisticsBaseline baseline, double greyLow = 0.1, double greyHigh = 0.9)
{
    private const float Width = 0.02f;
    private const int Side = 28;

    /// <summary>Adds the hinge's gradient to <paramref name="gradient"/> (scaled by <paramref name="weight"/>); returns the
    /// exact score (largest |z|, hard mid-grey count), as the detector computes it.</summary>
    public double AddGradient(ReadOnlySpan<float> x, double threshold, float margin, float weight, Span<float> gradient)
    {
        var n = x.Length;
        var score = 0.0;
        for (var k = 0; k < baseline.Features.Count; k++)
        {
            var (value, soft) = Feature(baseline.Features[k], x);
            var z = (value - baseline.Mean[k]) / baseline.Std[k];
            score = Math.Max(score, Math.Abs(z));
            var zSoft = (soft - baseline.Mean[k]) / baseline.Std[k];
            if (Math.Abs(zSoft) / threshold <= margin)
            {
                continue;
            }

            var scale = (float)(weight * Math.Sign(zSoft) / (baseline.Std[k] * threshold));
            AddFeatureGradient(baseline.Features[k], x, scale, gradient, n);
        }

        return score;
    }

    private (double Exact, double Smooth) Feature(string name, ReadOnlySpan<float> x)
    {
        switch (name)
        {
            case "mean":
            {
                var m = Mean(x);
                return (m, m);
            }

            case "std":
            {
                var s = Std(x, Mean(x));
                return (s, s);
            }

            case "midGrey":
            {
                double hard = 0, soft = 0;
                foreach (var v in x)
                {
                    hard += v > greyLow && v < greyHigh ? 1 : 0;
                    soft += Band(v);
                }

                return (hard / x.Length, soft / x.Length);
            }

            case "totalVariation":
            {
                var tv = TotalVariation(x);
                return (tv, tv);
            }

            default:
                throw new RedTeamException($"the adaptive attacker has no gradient for statistic '{name}'");
        }
    }

    private void AddFeatureGradient(string name, ReadOnlySpan<float> x, float scale, Span<float> g, int n)
    {
        switch (name)
        {
            case "mean":
                for (var i = 0; i < n; i++)
                {
                    g[i] += scale / n;
                }

                break;
            case "std":
            {
                var m = Mean(x);
                var s = Math.Max(Std(x, m), 1e-6);
                for (var i = 0; i < n; i++)
                {
                    g[i] += (float)(scale * (x[i] - m) / (n * s));
                }

                break;
            }

            case "midGrey":
                for (var i = 0; i < n; i++)
                {
                    var a = Sigmoid((x[i] - (float)greyLow) / Width);
                    var b = Sigmoid(((float)greyHigh - x[i]) / Width);
                    g[i] += scale / n * ((a * (1 - a) * b) - (a * b * (1 - b))) / Width;
                }

                break;
            default: // totalVariation: mean |horizontal differences| + mean |vertical differences|
            {
                var h = scale / (Side * (Side - 1));
                for (var y = 0; y < Side; y++)
                {
                    for (var c = 0; c < Side; c++)
                    {
                        var i = (y * Side) + c;
                        if (c + 1 < Side)
                        {
                            var d = MathF.Sign(x[i + 1] - x[i]) * h;
                            g[i + 1] += d;
                            g[i] -= d;
                        }

                        if (y + 1 < Side)
                        {
                            var d = MathF.Sign(x[i + Side] - x[i]) * h;
                            g[i + Side] += d;
                            g[i] -= d;
                        }
                    }
                }

                break;
            }
        }
    }

    private float Band(float v) => Sigmoid((v - (float)greyLow) / Width) * Sigmoid(((float)greyHigh - v) / Width);

    private static float Sigmoid(float v) => 1f / (1f + MathF.Exp(-v));

    private static double Mean(ReadOnlySpan<float> x)
    {
        double sum = 0;
        foreach (var v in x)
        {
            sum += v;
        }

        return sum / x.Length;
    }

    private static double Std(ReadOnlySpan<float> x, double mean)
    {
        double sum = 0;
        foreach (var v in x)
        {
            sum += (v - mean) * (v - mean);
        }

        return Math.Sqrt(sum / x.Length);
    }

    private static double TotalVariation(ReadOnlySpan<float> x)
    {
        double h = 0, v = 0;
        for (var y = 0; y < Side; y++)
        {
            for (var c = 0; c < Side; c++)
            {
                var i = (y * Side) + c;
                if (c + 1 < Side)
                {
                    h += Math.Abs(x[i + 1] - x[i]);
                }

                if (y + 1 < Side)
                {
                    v += Math.Abs(x[i + Side] - x[i]);
                }
            }
        }

        return (h / (Side * (Side - 1))) + (v / ((Side - 1) * Side));
    }
}
