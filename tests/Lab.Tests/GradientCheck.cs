using NeuralSec.Lab.Nn;

namespace NeuralSec.Lab.Tests;

/// <summary>Central finite differences against the analytic gradients of a layer, through the scalar L = Σ r·f(x).</summary>
internal static class GradientCheck
{
    public static Tensor Random(int[] shape, int seed, float scale = 1f)
    {
        var rng = new Random(seed);
        var t = new Tensor(shape);
        for (var i = 0; i < t.Data.Length; i++)
        {
            t.Data[i] = scale * (float)(2 * rng.NextDouble() - 1);
        }

        return t;
    }

    private static double Objective(ILayer layer, Tensor x, float[] r)
    {
        var y = layer.Forward(x);
        var s = 0.0;
        for (var i = 0; i < y.Data.Length; i++)
        {
            s += (double)r[i] * y.Data[i];
        }

        return s;
    }

    /// <summary>Asserts dL/dx and dL/dθ match finite differences; returns the worst relative error seen.</summary>
    public static double Check(ILayer layer, Tensor x, int seed = 7, float h = 1e-2f, double tol = 2e-2, int maxProbes = 60)
    {
        var y = layer.Forward(x);
        var r = Random(y.Shape, seed).Data;
        foreach (var p in layer.Parameters)
        {
            p.ZeroGrad();
        }

        var dx = layer.Backward(new Tensor(y.Shape, (float[])r.Clone()), accumulateParameterGradients: true).Data;
        var analytic = layer.Parameters.Select(p => (float[])p.Grad.Clone()).ToArray();
        var worst = 0.0;
        var rng = new Random(seed);

        foreach (var i in Probe(x.Data.Length, maxProbes, rng))
        {
            var old = x.Data[i];
            x.Data[i] = old + h;
            var plus = Objective(layer, x, r);
            x.Data[i] = old - h;
            var minus = Objective(layer, x, r);
            x.Data[i] = old;
            worst = Math.Max(worst, Compare((plus - minus) / (2 * h), dx[i], tol, $"input[{i}]"));
        }

        var k = 0;
        foreach (var p in layer.Parameters)
        {
            var g = analytic[k++];
            foreach (var i in Probe(p.Value.Length, maxProbes, rng))
            {
                var old = p.Value[i];
                p.Value[i] = old + h;
                var plus = Objective(layer, x, r);
                p.Value[i] = old - h;
                var minus = Objective(layer, x, r);
                p.Value[i] = old;
                worst = Math.Max(worst, Compare((plus - minus) / (2 * h), g[i], tol, $"{p.Name}[{i}]"));
            }
        }

        return worst;
    }

    public static double Compare(double numeric, double analytic, double tol, string what)
    {
        var err = Math.Abs(numeric - analytic) / Math.Max(1.0, Math.Abs(numeric) + Math.Abs(analytic));
        Assert.True(err <= tol, $"{what}: finite difference {numeric:G6} vs analytic {analytic:G6} (rel err {err:G3})");
        return err;
    }

    private static IEnumerable<int> Probe(int length, int max, Random rng)
        => length <= max ? Enumerable.Range(0, length) : Enumerable.Range(0, max).Select(_ => rng.Next(length));
}
