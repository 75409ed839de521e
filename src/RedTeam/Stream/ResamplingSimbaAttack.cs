namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// SimBA (pixel basis, untargeted) made robust to its own disguise, as OARS makes its attacks (Feng et al., CCS 2023):
/// every query is a fresh random <see cref="QueryTransform"/> of the point to score, so no two queries share their
/// near-duplicate fingerprints, and each candidate is scored by the mean margin over <see cref="Samples"/> transformed
/// queries (expectation over transformation), which averages out the transform noise that swamps a one-pixel change
/// in a single answer. Step adaptation: after <see cref="Patience"/> rejected pixels in a row the step grows by half,
/// up to <see cref="MaxEpsilon"/>; the pixel order is walked again while the budget lasts. The run's accounts are used
/// round-robin. Succeeds as soon as any answer names a label other than the original's — a transformed query the API
/// misclassifies is an adversarial example the attacker holds, unless the same transform of the clean digit is
/// misclassified too (<see cref="AttackSession.Claim"/>). With an <see cref="OracleGuidedDisguise"/> that grows on
/// the defense's refusals, the current point's margin is re-estimated under the new disguise before the next comparison.
/// </summary>
internal static class ResamplingSimbaAttack
{
    public const int Samples = 4;
    public const float Epsilon = 0.2f;
    public const float MaxEpsilon = 0.6f;
    public const int Patience = 40;

    private static readonly float[] Signs = [-1f, 1f];

    public static Task RunAsync(AttackSession session, float[] original, Random random, QueryTransform transform) =>
        RunAsync(session, original, random, OracleGuidedDisguise.Fixed(transform));

    public static async Task RunAsync(AttackSession session, float[] original, Random random, OracleGuidedDisguise disguise)
    {
        var x = (float[])original.Clone();
        var (first, _, _) = await QueryAsync(session, x, random, disguise).ConfigureAwait(false);
        if (first is not { Answered: true })
        {
            return;
        }

        var label = first.Label;
        if (await ScoreAsync(session, x, label, random, disguise).ConfigureAwait(false) is not { } margin)
        {
            return;
        }

        var scoredAt = disguise.Magnitude;
        var epsilon = Epsilon;
        var rejected = 0;
        var order = Enumerable.Range(0, x.Length).ToArray();
        while (!session.Stopped && session.SucceededAt is null)
        {
            random.Shuffle(order);
            foreach (var pixel in order)
            {
                var accepted = false;
                foreach (var sign in Signs)
                {
                    if (session.Stopped || session.SucceededAt is not null)
                    {
                        return;
                    }

                    var value = Math.Clamp(x[pixel] + (sign * epsilon), 0f, 1f);
                    if (value == x[pixel])
                    {
                        continue;
                    }

                    if (disguise.Magnitude != scoredAt)
                    {
                        // The disguise grew: the margin of x was measured under a weaker one.
                        if (await ScoreAsync(session, x, label, random, disguise).ConfigureAwait(false) is not { } rescored)
                        {
                            return;
                        }

                        (margin, scoredAt) = (rescored, disguise.Magnitude);
                    }

                    var candidate = (float[])x.Clone();
                    candidate[pixel] = value;
                    if (await ScoreAsync(session, candidate, label, random, disguise).ConfigureAwait(false) is { } m && m < margin)
                    {
                        (x, margin, accepted) = (candidate, m, true);
                        break;
                    }
                }

                rejected = accepted ? 0 : rejected + 1;
                if (rejected >= Patience)
                {
                    (epsilon, rejected) = (Math.Min(MaxEpsilon, epsilon * 1.5f), 0);
                }
            }
        }
    }

    /// <summary>The mean margin of <paramref name="label"/> over <see cref="Samples"/> transformed queries of
    /// <paramref name="image"/>; null when the run stopped or an answer already named another label (success).</summary>
    private static async Task<double?> ScoreAsync(AttackSession session, float[] image, int label, Random random, OracleGuidedDisguise disguise)
    {
        var (sum, answered) = (0.0, 0);
        for (var s = 0; s < Samples; s++)
        {
            var (outcome, draw, sent) = await QueryAsync(session, image, random, disguise).ConfigureAwait(false);
            if (outcome is not { } answer)
            {
                return null;
            }

            if (!answer.Answered)
            {
                continue;
            }

            if (answer.Label != label)
            {
                if (await session.ClaimAsync(sent, draw, label, o => disguise.Observe(o)).ConfigureAwait(false))
                {
                    return null;
                }

                continue; // the transform's doing, not the attack's: this sample says nothing about the candidate
            }

            (sum, answered) = (sum + answer.Margin(label), answered + 1);
        }

        return answered == 0 ? double.PositiveInfinity : sum / answered;
    }

    private static async Task<(QueryOutcome? Outcome, QueryTransformDraw Draw, float[] Sent)> QueryAsync(AttackSession session, float[] image, Random random, OracleGuidedDisguise disguise)
    {
        var draw = disguise.Current.Draw(random);
        var sent = draw.Apply(image);
        var outcome = await session.QueryAsync(sent).ConfigureAwait(false);
        if (outcome is not null)
        {
            disguise.Observe(outcome);
        }

        return (outcome, draw, sent);
    }
}
