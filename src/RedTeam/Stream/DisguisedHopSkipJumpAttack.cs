using NeuralSec.Data;

namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// HopSkipJumpAttack made adaptive as OARS makes its decision-based attacks (Feng et al., CCS 2023): every query —
/// start, bisection, boundary probe and step — is a fresh random <see cref="QueryTransform"/> of the point it asks about,
/// the disguise's strength learnt from the refusals (<see cref="OracleGuidedDisguise"/>), and the run's accounts are
/// used round-robin. The transform's noise is far larger than plain HSJ's probe radius (‖x − x₀‖/d), which would leave
/// the boundary estimate nothing but noise, so the probes go out at <see cref="Radius"/> times the paper's radius
/// ‖x − x₀‖/√d, doubled whenever an estimate comes back with no signal (every answered probe on one side), up to a
/// quarter of the distance, and halved back after one that has: OARS's adaptation of the attack's own similarity
/// parameter. A step or bisection point is decided by the majority of <see cref="Votes"/> disguised answers. A refused
/// query is neither side of the boundary (left out of an estimate; a refused step or bisection vote counts for
/// neither). A wrong answer is claimed (<see cref="AttackSession.ClaimAsync"/>: verified if the attacker verifies,
/// then refereed against the model and the transform alone) when the point asked about is within L2
/// <see cref="BoundaryAttack.SuccessL2"/> of the original and the query sent within it of the same transform of the
/// original: a transform that shrinks or dims the digit shrinks the distance too, which would otherwise count a point
/// outside the budget.
/// </summary>
internal sealed class DisguisedHopSkipJumpAttack
{
    /// <summary>The probe radius in units of the paper's ‖x − x₀‖/√d (the plain attack's ‖x − x₀‖/d is √d times
    /// smaller): at the paper's own radius the disguise's noise swamps the estimate — against a model that watches
    /// nothing, the test's digit stalled at L2 3.5–3.7 in 3,000 queries; at four times it, a wrong label within 3.</summary>
    public const double Radius = 4;

    /// <summary>The largest probe radius, as a share of the distance to the original.</summary>
    public const double MaxRadius = 0.25;

    /// <summary>Disguised queries per step or bisection decision.</summary>
    public const int Votes = 3;

    private const int MaxStepHalvings = 10;

    private readonly AttackSession _session;
    private readonly float[] _original;
    private readonly Random _random;
    private readonly OracleGuidedDisguise _disguise;
    private int _label = -1;

    private DisguisedHopSkipJumpAttack(AttackSession session, float[] original, Random random, OracleGuidedDisguise disguise) =>
        (_session, _original, _random, _disguise) = (session, original, random, disguise);

    /// <summary>Runs the attack; returns the final boundary point's L2 distance to the original (NaN when it never
    /// found a start: the original refused, or 20 natural digits all answered with its label).</summary>
    public static Task<double> RunAsync(AttackSession session, float[] original, MnistSplit starts, Random random, OracleGuidedDisguise disguise) =>
        new DisguisedHopSkipJumpAttack(session, original, random, disguise).RunAsync(starts);

    private async Task<double> RunAsync(MnistSplit starts)
    {
        if (await BoundaryAttack.StartAsync(async image => (await SendAsync(image).ConfigureAwait(false)).Outcome, _original, starts, _random).ConfigureAwait(false) is not var (label, start))
        {
            return double.NaN;
        }

        _label = label;
        if (Done)
        {
            return BoundaryAttack.L2(_original, start);
        }

        var d = _original.Length;
        var bisection = (int)Math.Ceiling(1.5 * Math.Log2(d));
        var x = await BisectAsync(start, bisection).ConfigureAwait(false);
        var radius = Radius;
        for (var t = 1; !Done; t++)
        {
            var distance = BoundaryAttack.L2(_original, x);
            var delta = Math.Min(MaxRadius * distance, radius * distance / Math.Sqrt(d));
            var probes = (int)Math.Ceiling(HopSkipJumpAttack.InitialProbes * Math.Sqrt(t));
            var (direction, oneSided) = await HopSkipJumpAttack.EstimateNormalAsync(IsAdversarialAsync, () => Done, x, delta, probes, _random).ConfigureAwait(false);
            if (oneSided || direction is null)
            {
                radius *= 2; // no signal at this radius: ask further out
                continue;
            }

            radius = Math.Max(Radius, radius / 2); // a signal: back towards the closer radius, whose estimate is sharper

            var xi = distance / Math.Sqrt(t);
            float[]? stepped = null;
            for (var k = 0; k < MaxStepHalvings && !Done; k++, xi /= 2)
            {
                var candidate = HopSkipJumpAttack.Step(x, direction, xi);
                if (await MostlyAdversarialAsync(candidate).ConfigureAwait(false))
                {
                    stepped = candidate;
                    break;
                }
            }

            if (stepped is null)
            {
                continue;
            }

            var next = await BisectAsync(stepped, bisection).ConfigureAwait(false);
            if (BoundaryAttack.L2(_original, next) < distance)
            {
                x = next;
            }
        }

        return BoundaryAttack.L2(_original, x);
    }

    private bool Done => _session.Stopped || _session.SucceededAt is not null;

    /// <summary>The smallest blend of the original and <paramref name="adversarial"/> answered with another label (a
    /// refused blend counts as not adversarial).</summary>
    private Task<float[]> BisectAsync(float[] adversarial, int steps) =>
        BoundaryAttack.BisectAsync(MostlyAdversarialAsync, () => Done, _original, adversarial, steps);

    /// <summary>The decision of a step or bisection point: <see cref="Votes"/> disguised queries of it, adversarial when
    /// most of the answered ones are (one disguised answer is a coin toss near the boundary; the probes of an estimate
    /// average that noise out themselves).</summary>
    private async Task<bool> MostlyAdversarialAsync(float[] x)
    {
        var (yes, no) = (0, 0);
        for (var v = 0; v < Votes && !Done; v++)
        {
            switch (await IsAdversarialAsync(x).ConfigureAwait(false))
            {
                case true:
                    yes++;
                    break;
                case false:
                    no++;
                    break;
            }
        }

        return yes > no;
    }

    /// <summary>Whether the disguised query of <paramref name="x"/> was answered with another label than the
    /// original's; null when refused or the run stopped. A wrong answer close enough to the original is claimed.</summary>
    private async Task<bool?> IsAdversarialAsync(float[] x)
    {
        var (outcome, draw, sent) = await SendAsync(x).ConfigureAwait(false);
        if (outcome is not { Answered: true } answer)
        {
            return null;
        }

        if (answer.Label == _label)
        {
            return false;
        }

        if (Math.Max(BoundaryAttack.L2(x, _original), BoundaryAttack.L2(sent, draw.Apply(_original))) <= BoundaryAttack.SuccessL2)
        {
            await _session.ClaimAsync(sent, draw, _label, o => _disguise.Observe(o)).ConfigureAwait(false);
        }

        return true;
    }

    private async Task<(QueryOutcome? Outcome, QueryTransformDraw Draw, float[] Sent)> SendAsync(float[] x)
    {
        var draw = _disguise.Current.Draw(_random);
        var sent = draw.Apply(x);
        var outcome = await _session.QueryAsync(sent).ConfigureAwait(false);
        if (outcome is not null)
        {
            _disguise.Observe(outcome);
        }

        return (outcome, draw, sent);
    }
}
