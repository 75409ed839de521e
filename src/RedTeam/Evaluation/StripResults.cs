namespace NeuralSec.RedTeam.Evaluation;

/// <summary>Section 3: STRIP on the backdoored fixture, thresholds at 1 % FRR from clean calibration-half digits.</summary>
internal sealed class StripResults
{
    public required int PoolSize { get; init; }

    public required int Samples { get; init; }

    public required double[] CleanCalibration { get; init; }

    public required double[] CleanEvaluation { get; init; }

    /// <summary>Evaluation-half digits of classes ≠ 7 with the trigger stamped.</summary>
    public required double[] Triggered { get; init; }

    /// <summary>Fraction of the triggered digits the backdoored model classifies as 7.</summary>
    public required double AttackSuccessRate { get; init; }

    public required double CleanAccuracy { get; init; }
}
