namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// Square Attack (Andriushchenko, Croce, Flammarion, Hein, ECCV 2020), L∞, untargeted, score-based: start from vertical
/// stripes of ±ε, then per query redraw one random square of the perturbation to a single ±ε and keep it when the true
/// class's margin in the answer drops. The square covers a fraction p of the image, from p_init = 0.8 (the paper's MNIST
/// setting) halved on the paper's schedule, rescaled to the query budget. Succeeds when the API answers another label.
/// </summary>
internal static class SquareAttack
{
    public const float Epsilon = 0.3f;
    public const double InitialFraction = 0.8;
    private const int Side = 28;

    // The paper's halving points for 10,000 iterations.
    private static readonly int[] Schedule = [10, 50, 200, 500, 1_000, 2_000, 4_000, 6_000, 8_000];

    public static async Task RunAsync(AttackSession session, float[] original, Random random)
    {
        if (await session.QueryAsync(original).ConfigureAwait(false) is not { Answered: true } first)
        {
            return;
        }

        var label = first.Label;
        var delta = new float[original.Length];
        for (var c = 0; c < Side; c++)
        {
            var sign = random.Next(2) == 0 ? -Epsilon : Epsilon;
            for (var r = 0; r < Side; r++)
            {
                delta[(r * Side) + c] = sign;
            }
        }

        var x = Clip(original, delta);
        if (await session.QueryAsync(x).ConfigureAwait(false) is not { Answered: true } start)
        {
            return;
        }

        if (start.Label != label)
        {
            session.Succeeded();
            return;
        }

        var margin = start.Margin(label);
        for (var i = 0; !session.Stopped; i++)
        {
            var size = Math.Clamp((int)Math.Round(Math.Sqrt(Fraction(i, session.Budget) * Side * Side)), 1, Side - 1);
            var (row, col) = (random.Next(Side - size + 1), random.Next(Side - size + 1));
            var candidate = (float[])delta.Clone();
            var value = random.Next(2) == 0 ? -Epsilon : Epsilon;
            for (var r = row; r < row + size; r++)
            {
                for (var c = col; c < col + size; c++)
                {
                    candidate[(r * Side) + c] = value;
                }
            }

            var image = Clip(original, candidate);
            if (await session.QueryAsync(image).ConfigureAwait(false) is not { Answered: true } answer)
            {
                continue;
            }

            if (answer.Label != label)
            {
                session.Succeeded();
                return;
            }

            var m = answer.Margin(label);
            if (m < margin)
            {
                (delta, margin) = (candidate, m);
            }
        }
    }

    private static double Fraction(int iteration, int budget)
    {
        var scaled = (int)((long)iteration * 10_000 / Math.Max(1, budget));
        var halvings = Schedule.Count(s => scaled > s);
        return InitialFraction / (1 << halvings);
    }

    private static float[] Clip(float[] original, float[] delta)
    {
        var x = new float[original.Length];
        for (var p = 0; p < x.Length; p++)
        {
            x[p] = Math.Clamp(original[p] + delta[p], 0f, 1f);
        }

        return x;
    }
}
