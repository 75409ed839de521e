namespace NeuralSec.LoadTest;

/// <summary>One goal of the performance issue: a ratio of two measured figures against its bound — or, without a
/// bound, a ratio reported for information beside the goals.</summary>
/// <param name="Name">What is divided by what, at which level.</param>
/// <param name="Value">The ratio; null when it cannot be measured in this run (see <paramref name="Missing"/>).</param>
/// <param name="AtMost">True for "≤ <paramref name="Bound"/>", false for "≥".</param>
/// <param name="Bound">The goal; null for a ratio that is information only (never met nor not met).</param>
/// <param name="Missing">Why there is no value: a path not in the run, or a difference too small to divide by.</param>
internal sealed record GoalCheck(string Name, double? Value, bool AtMost, double? Bound, string? Missing = null)
{
    /// <summary>Null when there is no value to judge, or no goal to judge it by.</summary>
    public bool? Met => (Value, Bound) is ({ } value, { } bound) ? AtMost ? value <= bound : value >= bound : null;

    /// <summary>"≤ 1.0", or "—" for information.</summary>
    public string Goal => Bound is { } bound ? FormattableString.Invariant($"{(AtMost ? "≤" : "≥")} {bound:0.0#}") : "—";
}
