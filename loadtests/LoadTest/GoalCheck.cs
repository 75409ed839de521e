namespace NeuralSec.LoadTest;

/// <summary>One goal of the performance issue: a ratio of two measured figures against its bound.</summary>
/// <param name="Name">What is divided by what, at which level.</param>
/// <param name="Value">The ratio; null when it cannot be measured in this run (see <paramref name="Missing"/>).</param>
/// <param name="AtMost">True for "≤ <paramref name="Bound"/>", false for "≥".</param>
/// <param name="Missing">Why there is no value: a path not in the run, or a difference too small to divide by.</param>
internal sealed record GoalCheck(string Name, double? Value, bool AtMost, double Bound, string? Missing = null)
{
    /// <summary>Null when there is no value to judge.</summary>
    public bool? Met => Value is { } value ? AtMost ? value <= Bound : value >= Bound : null;

    /// <summary>"≤ 1.0".</summary>
    public string Goal => FormattableString.Invariant($"{(AtMost ? "≤" : "≥")} {Bound:0.0#}");
}
