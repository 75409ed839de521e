using NeuralSec.Data;

namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// A decision-based attack on labels only: Brendel et al.'s Boundary Attack (ICLR 2018) in its simple form. Start from
/// a natural digit the API labels differently, bisect the blend towards the original to the boundary, then per query
/// propose an orthogonal step on the sphere around the original (size σ·distance) plus a step ε towards it, keep the
/// proposal when the API still answers another label, and adapt σ and ε to the recent acceptance rate. Succeeds when
/// the API answers a wrong label for a point within L2 <see cref="SuccessL2"/> of the original.
/// </summary>
internal static class BoundaryAttack
{
    /// <summary>The L2 budget of a success (MNIST L2 evaluations use 1.5–3; the image is 28×28 in [0, 1]).</summary>
    public const double SuccessL2 = 3.0;

    private const int BisectionSteps = 10;

    public static async Task<double> RunAsync(AttackSession session, float[] original, MnistSplit starts, Random random)
    {
        if (await StartAsync(session, original, starts, random).ConfigureAwait(false) is not var (label, adversarial))
        {
            return double.NaN;
        }

        var x = await BisectAsync(session, original, adversarial, label, BisectionSteps).ConfigureAwait(false);
        Check(session, original, x);
        var (sigma, epsilon) = (0.1, 0.05);
        var accepted = new Queue<bool>();
        while (!session.Stopped && session.SucceededAt is null)
        {
            var candidate = Propose(original, x, sigma, epsilon, random);
            var ok = await IsAdversarialAsync(session, candidate, label).ConfigureAwait(false);
            if (ok)
            {
                x = candidate;
                Check(session, original, x);
            }

            accepted.Enqueue(ok);
            if (accepted.Count == 10)
            {
                var rate = accepted.Count(a => a) / 10.0;
                accepted.Clear();
                (sigma, epsilon) = rate > 0.4 ? (sigma * 1.1, epsilon * 1.3) : rate < 0.2 ? (sigma * 0.9, epsilon * 0.7) : (sigma, epsilon);
            }
        }

        return L2(original, x);
    }

    /// <summary>The original's label and a natural digit of the API's labelled otherwise (up to 20 tried), the start of a
    /// decision-based attack; null when the original is refused or none of the 20 is labelled otherwise.</summary>
    internal static Task<(int Label, float[] Adversarial)?> StartAsync(AttackSession session, float[] original, MnistSplit starts, Random random) =>
        StartAsync(session.QueryAsync, original, starts, random);

    /// <summary>The same start, each image asked as the attacker asks it (<paramref name="ask"/>: null when the run
    /// stopped).</summary>
    internal static async Task<(int Label, float[] Adversarial)?> StartAsync(Func<float[], Task<QueryOutcome?>> ask, float[] original, MnistSplit starts, Random random)
    {
        if (await ask(original).ConfigureAwait(false) is not { Answered: true } first)
        {
            return null;
        }

        foreach (var i in Enumerable.Range(0, starts.Count).OrderBy(_ => random.Next()).Take(20))
        {
            var start = starts.Image(i).ToArray();
            if (await ask(start).ConfigureAwait(false) is { Answered: true } answer && answer.Label != first.Label)
            {
                return (first.Label, start);
            }
        }

        return null;
    }

    /// <summary>Bisects the blend (1 − α)·original + α·adversarial for the smallest adversarial α, in
    /// <paramref name="steps"/> queries; returns that blend (adversarial, or the starting point if every query failed).</summary>
    internal static Task<float[]> BisectAsync(AttackSession session, float[] original, float[] adversarial, int label, int steps) =>
        BisectAsync(image => IsAdversarialAsync(session, image, label), () => session.Stopped, original, adversarial, steps);

    /// <summary>The same bisection with the attacker's own decision (<paramref name="isAdversarial"/>: false when
    /// refused) and stop rule.</summary>
    internal static async Task<float[]> BisectAsync(Func<float[], Task<bool>> isAdversarial, Func<bool> stopped, float[] original, float[] adversarial, int steps)
    {
        var (lo, hi) = (0f, 1f);
        for (var s = 0; s < steps && !stopped(); s++)
        {
            var mid = (lo + hi) / 2;
            if (await isAdversarial(Blend(original, adversarial, mid)).ConfigureAwait(false))
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        return Blend(original, adversarial, hi);
    }

    internal static void Check(AttackSession session, float[] original, float[] adversarial)
    {
        if (L2(original, adversarial) <= SuccessL2)
        {
            session.Succeeded();
        }
    }

    internal static async Task<bool> IsAdversarialAsync(AttackSession session, float[] image, int label) =>
        await session.QueryAsync(image).ConfigureAwait(false) is { Answered: true } answer && answer.Label != label;

    private static float[] Propose(float[] original, float[] x, double sigma, double epsilon, Random random)
    {
        var n = x.Length;
        var toOriginal = new double[n];
        var distance = 0.0;
        for (var i = 0; i < n; i++)
        {
            toOriginal[i] = original[i] - x[i];
            distance += toOriginal[i] * toOriginal[i];
        }

        distance = Math.Sqrt(distance);
        var direction = toOriginal.Select(v => v / distance).ToArray();
        var eta = new double[n];
        for (var i = 0; i < n; i++)
        {
            eta[i] = Gaussian(random);
        }

        var along = eta.Zip(direction, (a, b) => a * b).Sum();
        for (var i = 0; i < n; i++)
        {
            eta[i] -= along * direction[i];
        }

        var norm = Math.Sqrt(eta.Sum(v => v * v));
        var candidate = new double[n];
        for (var i = 0; i < n; i++)
        {
            candidate[i] = x[i] + (eta[i] / norm * sigma * distance);
        }

        // Back onto the sphere of radius `distance` around the original, then a step ε towards it.
        var radius = Math.Sqrt(candidate.Select((c, i) => (c - original[i]) * (c - original[i])).Sum());
        var result = new float[n];
        for (var i = 0; i < n; i++)
        {
            var onSphere = original[i] + ((candidate[i] - original[i]) * distance / radius);
            result[i] = (float)Math.Clamp(onSphere + (epsilon * (original[i] - onSphere)), 0, 1);
        }

        return result;
    }

    private static float[] Blend(float[] a, float[] b, float alpha)
    {
        var r = new float[a.Length];
        for (var i = 0; i < r.Length; i++)
        {
            r[i] = ((1 - alpha) * a[i]) + (alpha * b[i]);
        }

        return r;
    }

    public static double L2(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }

    internal static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
