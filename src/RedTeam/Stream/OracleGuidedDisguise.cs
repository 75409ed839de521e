namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// The disguise of an attacker who does not know the defense and learns from it, as OARS does (Feng et al., CCS 2023:
/// the stateful defense's rejections are an oracle for how strong the query transform must be). It starts at
/// <see cref="Start"/> times a transform family and, each time the sidecar refuses one of its queries as suspicious
/// activity (a stream detector flagged the account — the rejection signal; an input-detector refusal says nothing
/// about the stream and does not count), multiplies the magnitude by <see cref="Growth"/>, up to <see cref="Max"/>:
/// an upward search for the weakest disguise the near-duplicate index does not see, paid for with burnt accounts.
/// A fixed disguise (<see cref="Fixed"/>) never changes.
/// </summary>
internal sealed class OracleGuidedDisguise
{
    public const float Growth = 1.5f;

    private readonly QueryTransform _family;

    public OracleGuidedDisguise(QueryTransform family, float start, float max)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, start);
        _family = family;
        (Start, Max, Magnitude) = (start, max, start);
        Current = family.Scaled(start);
    }

    /// <summary>The shipped oracle-guided attacker: the upright-aware family (shift, brightness, noise, rotation,
    /// rescaling, shear) from half its strength (±5°, ±5 %, ±0.1 shear, ±0.02 noise) up to 2.5 times it (±25°,
    /// ±25 %, ±0.5 shear, ±0.1 noise) — beyond that the transform alone changes the model's answer too often for the
    /// margins to guide the search (the report prints that rate per magnitude).</summary>
    public static OracleGuidedDisguise Learning() => new(QueryTransform.UprightAware, 0.5f, 2.5f);

    public static OracleGuidedDisguise Fixed(QueryTransform transform) => new(transform, 1, 1);

    public float Start { get; }

    public float Max { get; }

    public float Magnitude { get; private set; }

    public QueryTransform Current { get; private set; }

    /// <summary>The magnitudes this disguise can take, from <see cref="Start"/> to <see cref="Max"/>.</summary>
    public IReadOnlyList<float> Ladder
    {
        get
        {
            var steps = new List<float> { Start };
            while (steps[^1] < Max)
            {
                steps.Add(Math.Min(Max, steps[^1] * Growth));
            }

            return steps;
        }
    }

    /// <summary>Learns from one outcome; true when the disguise grew (the caller's estimates made under the old one are stale).</summary>
    public bool Observe(QueryOutcome outcome)
    {
        if (!outcome.RefusedAsSuspicious || Magnitude >= Max)
        {
            return false;
        }

        Magnitude = Math.Min(Max, Magnitude * Growth);
        Current = _family.Scaled(Magnitude);
        return true;
    }
}
