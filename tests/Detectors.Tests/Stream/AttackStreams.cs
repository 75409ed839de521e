namespace NeuralSec.Detectors.Tests.Stream;

/// <summary>
/// Query streams shaped like the published black-box attacks (algorithms.md §7), without a model: the acceptance of a step
/// is a coin flip, which changes nothing about how near one query is to the last — all a stream detector sees.
/// </summary>
internal static class AttackStreams
{
    /// <summary>SimBA (Guo et al. 2019): each iteration tries x ± ε·q for one direction q — a random pixel, or a low-frequency
    /// DCT basis image — and keeps the step when it "helps" (here: with probability 1/2). ε = 0.2.</summary>
    public static IEnumerable<float[]> SimBa(float[] digit, bool dct, int seed, double epsilon = 0.2)
    {
        var random = new Random(seed);
        var x = (float[])digit.Clone();
        while (true)
        {
            var q = dct ? DctBasis(random.Next(8), random.Next(8)) : PixelBasis(random.Next(x.Length));
            foreach (var sign in new[] { 1, -1 })
            {
                var candidate = Add(x, q, sign * epsilon);
                yield return candidate;
                if (random.Next(2) == 0)
                {
                    x = candidate;
                    break;
                }
            }
        }
    }

    /// <summary>Square attack, L∞ (Andriushchenko et al. 2020) with ART's MNIST defaults: ε = 0.3, p_init = 0.8 halved on ART's
    /// schedule for max_iter = 100; vertical-stripe initialisation; each query moves one random square of the perturbation to
    /// ±ε; the step is kept with probability 1/2.</summary>
    public static IEnumerable<float[]> Square(float[] digit, int seed, double epsilon = 0.3, double pInit = 0.8, int maxIterations = 100)
    {
        const int side = 28;
        var random = new Random(seed);
        var delta = new float[digit.Length];
        for (var c = 0; c < side; c++)
        {
            var sign = random.Next(2) == 0 ? -1f : 1f;
            for (var r = 0; r < side; r++)
            {
                delta[(r * side) + c] = sign * (float)epsilon;
            }
        }

        yield return Clip(digit, delta);
        for (var i = 0; ; i++)
        {
            var p = pInit * Fraction((double)i / maxIterations);
            var s = Math.Clamp((int)Math.Round(Math.Sqrt(p * side * side)), 1, side - 1);
            var top = random.Next(side - s);
            var left = random.Next(side - s);
            var value = random.Next(2) == 0 ? -(float)epsilon : (float)epsilon;
            var candidate = (float[])delta.Clone();
            for (var r = top; r < top + s; r++)
            {
                for (var c = left; c < left + s; c++)
                {
                    candidate[(r * side) + c] = value;
                }
            }

            yield return Clip(digit, candidate);
            if (random.Next(2) == 0)
            {
                delta = candidate;
            }
        }
    }

    /// <summary>HopSkipJump / Boundary attack: start from uniform noise the model (notionally) labels differently, binary-search
    /// the line between the digit and the noise for the boundary, then estimate the gradient there with small random
    /// perturbations (HSJA: δ = √d·θ·distance, θ = 1/d^{3/2}, so a per-pixel σ well under a grey level), step, repeat.</summary>
    public static IEnumerable<float[]> HopSkipJump(float[] digit, int seed, int binarySteps = 10, int evaluations = 100)
    {
        var random = new Random(seed);
        var noise = new float[digit.Length];
        for (var i = 0; i < noise.Length; i++)
        {
            noise[i] = (float)random.NextDouble();
        }

        yield return noise;
        var adversarial = noise;
        while (true)
        {
            double low = 0, high = 1;
            for (var step = 0; step < binarySteps; step++)
            {
                var mid = (low + high) / 2;
                yield return Blend(digit, adversarial, mid);
                if (random.Next(2) == 0)
                {
                    high = mid;
                }
                else
                {
                    low = mid;
                }
            }

            var boundary = Blend(digit, adversarial, high);
            var distance = Math.Sqrt(boundary.Select((v, i) => (v - digit[i]) * (double)(v - digit[i])).Sum());
            var d = digit.Length;
            var delta = Math.Sqrt(d) * Math.Pow(d, -1.5) * distance;
            for (var e = 0; e < evaluations; e++)
            {
                var u = Gaussian(random, d);
                var norm = Math.Sqrt(u.Sum(v => v * (double)v));
                yield return Clip(boundary, u.Select(v => (float)(delta * v / norm)).ToArray());
            }

            // Geometric step towards the digit along a random direction's worth of progress, then search again.
            var towards = Gaussian(random, d);
            adversarial = Clip(boundary, towards.Select(v => (float)(0.02 * v)).ToArray());
        }
    }

    /// <summary>Papernot et al.'s JBDA: 150 seed digits, then rounds that double the set with x + λ·sign(g) (λ = 0.1, g a
    /// random direction standing in for the substitute's Jacobian row), each round's new points queried. Each query comes
    /// with the index of the seed it descends from (the oracle's label of a λ = 0.1 step is, for a stand-in, the seed's).</summary>
    public static IEnumerable<(float[] Query, int Seed)> Jbda(IReadOnlyList<float[]> seeds, int seed, double lambda = 0.1)
    {
        var random = new Random(seed);
        var set = seeds.Select((s, i) => ((float[])s.Clone(), i)).ToList();
        foreach (var s in set)
        {
            yield return s;
        }

        while (true)
        {
            var round = new List<(float[], int)>(set.Count);
            foreach (var (x, origin) in set)
            {
                var g = Gaussian(random, x.Length);
                var augmented = Clip(x, g.Select(v => (float)(v >= 0 ? lambda : -lambda)).ToArray());
                round.Add((augmented, origin));
                yield return (augmented, origin);
            }

            set.AddRange(round);
        }
    }

    /// <summary>Uniform noise images.</summary>
    public static IEnumerable<float[]> Noise(int length, int seed)
    {
        var random = new Random(seed);
        while (true)
        {
            var x = new float[length];
            for (var i = 0; i < x.Length; i++)
            {
                x[i] = (float)random.NextDouble();
            }

            yield return x;
        }
    }

    // ART SquareAttack._get_percentage_of_elements: p halves as the run passes fixed fractions of max_iter.
    private static double Fraction(double progress)
    {
        double[] intervals = [0.001, 0.005, 0.02, 0.04, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
        var p = 1.0;
        foreach (var edge in intervals)
        {
            if (progress > edge)
            {
                p /= 2;
            }
        }

        return p;
    }

    private static float[] PixelBasis(int index)
    {
        var q = new float[Digits.Pixels];
        q[index] = 1;
        return q;
    }

    // A 28×28 low-frequency 2-D DCT-II basis image, unit L2 norm.
    private static float[] DctBasis(int u, int v)
    {
        const int side = 28;
        var q = new float[side * side];
        double norm = 0;
        for (var r = 0; r < side; r++)
        {
            for (var c = 0; c < side; c++)
            {
                var value = Math.Cos(Math.PI * (r + 0.5) * u / side) * Math.Cos(Math.PI * (c + 0.5) * v / side);
                q[(r * side) + c] = (float)value;
                norm += value * value;
            }
        }

        var scale = 1 / Math.Sqrt(norm);
        for (var i = 0; i < q.Length; i++)
        {
            q[i] *= (float)scale;
        }

        return q;
    }

    private static float[] Add(float[] x, float[] q, double step) =>
        x.Select((v, i) => Math.Clamp(v + (float)(step * q[i]), 0f, 1f)).ToArray();

    private static float[] Clip(float[] x, float[] delta) =>
        x.Select((v, i) => Math.Clamp(v + delta[i], 0f, 1f)).ToArray();

    private static float[] Blend(float[] x, float[] y, double t) =>
        x.Select((v, i) => (float)(((1 - t) * v) + (t * y[i]))).ToArray();

    private static float[] Gaussian(Random random, int length)
    {
        var g = new float[length];
        for (var i = 0; i < length; i++)
        {
            g[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        return g;
    }
}
