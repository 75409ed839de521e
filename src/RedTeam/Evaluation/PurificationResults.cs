using NeuralSec.RedTeam.Attacks;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>One line of an accuracy table: a defense, how the attacker worked, clean accuracy and accuracy per attack column.</summary>
internal sealed record AccuracyRow(string Defense, string Attacker, double CleanAccuracy, IReadOnlyList<double> Accuracy);

/// <summary>Section 2 of the report: accuracy under attack after purification, and of the robust-by-training fixtures.</summary>
internal sealed class PurificationResults
{
    /// <summary>Untargeted FGSM and PGD-40 at each ε, in column order.</summary>
    public required IReadOnlyList<AttackSpec> Columns { get; init; }

    /// <summary>Non-adaptive chains, the undefended model and the robust fixtures (each attacked directly), evaluation half.</summary>
    public required IReadOnlyList<AccuracyRow> Rows { get; init; }

    public required int Count { get; init; }

    /// <summary>Adaptive BPDA (+EOT) per chain next to the non-adaptive figure on the same digits.</summary>
    public required IReadOnlyList<(AccuracyRow NonAdaptive, AccuracyRow Adaptive)> AdaptiveRows { get; init; }

    public required int AdaptiveCount { get; init; }

    public required int EotSamples { get; init; }

    public required double UndefendedCleanAccuracy { get; init; }

    public required int CleanCount { get; init; }
}
