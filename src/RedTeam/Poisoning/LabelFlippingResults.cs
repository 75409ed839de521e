namespace NeuralSec.RedTeam.Poisoning;

/// <summary>Label flipping: one model per flip rate, same architecture, recipe, initial weights and batch order.</summary>
internal sealed record LabelFlippingResults
{
    public required string Architecture { get; init; }

    public required int TrainDigits { get; init; }

    public required int Epochs { get; init; }

    public required int TestDigits { get; init; }

    public required IReadOnlyList<LabelFlipRow> Rows { get; init; }
}
