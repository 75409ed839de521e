namespace NeuralSec.RedTeam.Poisoning;

/// <summary>Feature-collision success after a last-layer fine-tune of one length.</summary>
internal sealed record FineTuneLength
{
    public required int Epochs { get; init; }

    /// <summary>Targets their victim classifies as the base class.</summary>
    public required int Successes { get; init; }

    public required int Targets { get; init; }

    /// <summary>Targets the same fine-tune without poisons classifies as the base class.</summary>
    public required int ControlSuccesses { get; init; }
}
