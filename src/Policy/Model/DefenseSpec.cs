namespace NeuralSec.Policy.Model;

/// <summary>
/// One entry of <c>spec.preprocess</c> or <c>spec.detect</c>: a defense <c>type</c> from the
/// <see cref="Catalog.DefenseCatalog"/> and its options, already checked against the type's option definitions.
/// Option values are <see cref="double"/>, <see cref="long"/>, <see cref="bool"/>, <see cref="string"/> or a
/// list of those.
/// </summary>
public sealed record DefenseSpec(string Type, IReadOnlyDictionary<string, object> Options)
{
    /// <summary><c>action:</c> for detectors (preprocessing has none).</summary>
    public DefenseAction Action { get; init; } = DefenseAction.Block;

    /// <summary><c>threshold:</c> for detectors: flagged when the score is beyond it. Set by calibration.</summary>
    public double? Threshold { get; init; }

    /// <summary><c>grades:</c> for detect entries: stronger answers for scores further beyond, each at its own
    /// threshold, in order (each further beyond the previous, each action more severe). Empty: one grade.</summary>
    public IReadOnlyList<DefenseGrade> Grades { get; init; } = [];

    /// <summary>Where it was declared, for messages: <c>file:line:column</c>.</summary>
    public string Location { get; init; } = string.Empty;
}
