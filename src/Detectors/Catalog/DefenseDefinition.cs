namespace NeuralSec.Detectors.Catalog;

/// <summary>
/// A defense as policies name it: its <c>type:</c>, the stage it belongs to, its options, and — for detectors —
/// the MITRE ATLAS technique a hit indicates and how its score compares with the threshold.
/// </summary>
public sealed record DefenseDefinition(string Type, DefenseStage Stage, string Description, IReadOnlyList<OptionDefinition> Options)
{
    /// <summary>ATLAS technique a detection indicates (e.g. <c>AML.T0043</c>); null for preprocessing.</summary>
    public string? AtlasTechniqueId { get; init; }

    /// <summary>True when a score <em>below</em> the threshold is suspicious (STRIP entropy); false when above.</summary>
    public bool FlagsBelowThreshold { get; init; }
}
