namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// SimBA (Guo et al., ICML 2019; cg563/simple-blackbox-attack), pixel basis, untargeted: in a random order of pixels,
/// try −ε then +ε on one pixel and keep the step when the true class's margin in the answer drops (each candidate is a
/// query). The margin is what the answer reveals: full logits, or — hardened — the rounded top score against the
/// top-K floor. With a <see cref="QueryTransform"/> every query is a random transform of the candidate (OARS-style);
/// the run's accounts are used round-robin. Succeeds when the API answers a label other than the original's (with a
/// transform: unless the same transform of the clean digit is answered wrongly too; and only if the model itself, not the
/// defense's misinformation, gave the wrong label — <see cref="AttackSession.Claim"/>).
/// </summary>
internal static class SimbaAttack
{
    public const float Epsilon = 0.2f;

    private static readonly float[] Signs = [-1f, 1f];

    public static async Task RunAsync(AttackSession session, float[] original, Random random, QueryTransform? transform = null)
    {
        var x = (float[])original.Clone();
        if ((await QueryAsync(session, x, random, transform).ConfigureAwait(false)).Outcome is not { Answered: true } first)
        {
            return;
        }

        var label = first.Label;
        var margin = first.Margin(label);
        var order = Enumerable.Range(0, x.Length).ToArray();
        random.Shuffle(order);
        foreach (var pixel in order)
        {
            foreach (var sign in Signs)
            {
                if (session.Stopped)
                {
                    return;
                }

                var value = Math.Clamp(x[pixel] + (sign * Epsilon), 0f, 1f);
                if (value == x[pixel])
                {
                    continue; // nothing to try: no query
                }

                var candidate = (float[])x.Clone();
                candidate[pixel] = value;
                var (outcome, draw, sent) = await QueryAsync(session, candidate, random, transform).ConfigureAwait(false);
                if (outcome is not { Answered: true } answer)
                {
                    continue;
                }

                if (answer.Label != label)
                {
                    if (await session.ClaimAsync(sent, draw, label).ConfigureAwait(false))
                    {
                        return;
                    }

                    continue; // the transform's doing: try the other sign
                }

                var m = answer.Margin(label);
                if (m < margin)
                {
                    (x, margin) = (candidate, m);
                    break;
                }
            }
        }
    }

    private static async Task<(QueryOutcome? Outcome, QueryTransformDraw? Draw, float[] Sent)> QueryAsync(AttackSession session, float[] image, Random random, QueryTransform? transform)
    {
        var draw = transform?.Draw(random);
        var sent = draw is null ? image : draw.Apply(image);
        return (await session.QueryAsync(sent).ConfigureAwait(false), draw, sent);
    }
}
