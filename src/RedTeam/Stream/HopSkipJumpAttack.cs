using NeuralSec.Data;

namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// HopSkipJumpAttack (Chen, Jordan &amp; Wainwright, IEEE S&amp;P 2020), untargeted L2, on labels only: the decision-based
/// attack the near-duplicate detector is meant for, and a stronger one than <see cref="BoundaryAttack"/>. From a natural
/// digit the API labels differently, bisect to the boundary; then per iteration t: estimate the boundary's normal at the
/// current point from the API's labels at B₀·√t random points within δ of it (Monte-Carlo sign average with the mean
/// subtracted, the paper's variance reduction), step along it by a geometrically shrinking ξ = ‖x − x₀‖/√t until the
/// step is still adversarial, and bisect back towards the original onto the boundary. Succeeds, like Boundary, when the
/// API answers a wrong label within L2 <see cref="BoundaryAttack.SuccessL2"/> of the original.
/// </summary>
/// <remarks>A query the sidecar refuses carries no label, so it is left out of the estimate (a refused probe is neither
/// side of the boundary), and a step or bisection query that is refused counts as not adversarial. The probes of one
/// estimate lie within δ = ‖x − x₀‖/d of one point (d = 784): by construction near-duplicates of each other, which is
/// what Blacklight-style detection keys on.</remarks>
internal static class HopSkipJumpAttack
{
    /// <summary>Probes of the first gradient estimate (the paper's B₀); iteration t uses B₀·√t.</summary>
    public const int InitialProbes = 100;

    private const int MaxStepHalvings = 10;

    public static async Task<double> RunAsync(AttackSession session, float[] original, MnistSplit starts, Random random)
    {
        if (await BoundaryAttack.StartAsync(session, original, starts, random).ConfigureAwait(false) is not var (label, adversarial))
        {
            return double.NaN;
        }

        // The paper bisects to a gap of θ = d^(-3/2) of the distance, well inside the probes' radius δ = distance/d.
        var d = original.Length;
        var bisection = (int)Math.Ceiling(1.5 * Math.Log2(d));
        var x = await BoundaryAttack.BisectAsync(session, original, adversarial, label, bisection).ConfigureAwait(false);
        BoundaryAttack.Check(session, original, x);
        for (var t = 1; !session.Stopped && session.SucceededAt is null; t++)
        {
            var distance = BoundaryAttack.L2(original, x);
            var delta = distance / d;
            var probes = (int)Math.Ceiling(InitialProbes * Math.Sqrt(t));
            var (direction, _) = await EstimateNormalAsync(Probe(session, label), () => session.Stopped, x, delta, probes, random).ConfigureAwait(false);
            if (direction is null)
            {
                continue; // every probe refused or all on one side: spend the next iteration's probes instead
            }

            // Geometric step search: the largest ξ = distance/√t · 2^-k whose step is still adversarial.
            var xi = distance / Math.Sqrt(t);
            float[]? stepped = null;
            for (var k = 0; k < MaxStepHalvings && !session.Stopped; k++, xi /= 2)
            {
                var candidate = Step(x, direction, xi);
                if (await BoundaryAttack.IsAdversarialAsync(session, candidate, label).ConfigureAwait(false))
                {
                    stepped = candidate;
                    break;
                }
            }

            if (stepped is null)
            {
                continue;
            }

            var next = await BoundaryAttack.BisectAsync(session, original, stepped, label, bisection).ConfigureAwait(false);
            if (BoundaryAttack.L2(original, next) < distance)
            {
                x = next;
                BoundaryAttack.Check(session, original, x);
            }
        }

        return BoundaryAttack.L2(original, x);
    }

    /// <summary>The unit estimate of the boundary's normal at <paramref name="x"/> (pointing to the adversarial side)
    /// from <paramref name="probes"/> random points within <paramref name="delta"/> of it, each judged by
    /// <paramref name="isAdversarial"/> (null: refused, left out); null when no probe was answered. All answered probes
    /// on one side (<c>OneSided</c>): the paper then uses the plain sign average, which is ±the mean direction.</summary>
    internal static async Task<(double[]? Normal, bool OneSided)> EstimateNormalAsync(Func<float[], Task<bool?>> isAdversarial, Func<bool> stopped, float[] x, double delta, int probes, Random random)
    {
        var n = x.Length;
        var directions = new List<double[]>(probes);
        var signs = new List<double>(probes);
        for (var b = 0; b < probes && !stopped(); b++)
        {
            var u = new double[n];
            var norm = 0.0;
            for (var i = 0; i < n; i++)
            {
                u[i] = BoundaryAttack.Gaussian(random);
                norm += u[i] * u[i];
            }

            norm = Math.Sqrt(norm);
            var probe = new float[n];
            for (var i = 0; i < n; i++)
            {
                u[i] /= norm;
                probe[i] = (float)Math.Clamp(x[i] + (delta * u[i]), 0, 1);
            }

            if (await isAdversarial(probe).ConfigureAwait(false) is { } adversarial)
            {
                directions.Add(u);
                signs.Add(adversarial ? 1 : -1);
            }
        }

        if (signs.Count == 0)
        {
            return (null, false);
        }

        var mean = signs.Average();
        var oneSided = Math.Abs(mean) == 1;
        if (oneSided)
        {
            mean = 0;
        }

        var v = new double[n];
        for (var b = 0; b < signs.Count; b++)
        {
            var weight = signs[b] - mean;
            for (var i = 0; i < n; i++)
            {
                v[i] += weight * directions[b][i];
            }
        }

        var length = Math.Sqrt(v.Sum(e => e * e));
        if (length == 0)
        {
            return (null, oneSided);
        }

        for (var i = 0; i < n; i++)
        {
            v[i] /= length;
        }

        return (v, oneSided);
    }

    /// <summary>The plain attack's probe: the API's label against the original's; null when refused.</summary>
    private static Func<float[], Task<bool?>> Probe(AttackSession session, int label) =>
        async probe => await session.QueryAsync(probe).ConfigureAwait(false) is { Answered: true } answer ? answer.Label != label : null;

    internal static float[] Step(float[] x, double[] direction, double size)
    {
        var r = new float[x.Length];
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = (float)Math.Clamp(x[i] + (size * direction[i]), 0, 1);
        }

        return r;
    }
}
