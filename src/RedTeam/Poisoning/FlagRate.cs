namespace NeuralSec.RedTeam.Poisoning;

/// <summary>How many of one set of inputs a detector flags at its threshold.</summary>
internal sealed record FlagRate
{
    public required string Set { get; init; }

    public required int Count { get; init; }

    public required int Flagged { get; init; }

    public double Rate => Count == 0 ? 0 : (double)Flagged / Count;
}
