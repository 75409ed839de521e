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

    /// <summary>What a detector spends per input (the order <c>spec.detectOrder: cheapFirst</c> runs them in);
    /// meaningless for the other stages.</summary>
    public DetectorCost Cost { get; init; } = DetectorCost.ServedModel;

    /// <summary>Builds the configured defense (an <see cref="Preprocessing.IPreprocessor"/> or <see cref="Detection.IDetector"/>)
    /// from policy option values; set by the defense's own folder so the catalog line is the only registration.
    /// <see cref="DefenseFactory"/> is the public way in.</summary>
    internal Func<Options.DefenseOptionReader, DefenseResources, object>? Build { get; init; }
}
