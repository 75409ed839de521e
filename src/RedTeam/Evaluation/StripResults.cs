namespace NeuralSec.RedTeam.Evaluation;

/// <summary>Section 3: STRIP on the backdoored fixture, thresholds at 1 % FRR from clean calibration-half digits.</summary>
internal sealed class StripResults
{
    public required int PoolSize { get; init; }

    public required int Samples { get; init; }

    /// <summary>The detector's <c>clip</c> option: blends min(x + o, 1) instead of the reference's unclipped x + o.</summary>
    public required bool Clip { get; init; }

    public required double[] CleanCalibration { get; init; }

    /// <summary>True class of each clean calibration digit (which classes set the threshold).</summary>
    public required byte[] CalibrationLabels { get; init; }

    public required double[] CleanEvaluation { get; init; }

    /// <summary>Evaluation-half digits of classes ≠ 7 with the trigger stamped.</summary>
    public required double[] Triggered { get; init; }

    /// <summary>Class of each triggered digit before stamping (which classes escape).</summary>
    public required byte[] TriggeredLabels { get; init; }

    /// <summary>Share of all the detector's blends of triggered digits that the model still assigns to class 7.</summary>
    public required double TriggeredBlendsOnTarget { get; init; }

    /// <summary>Fraction of the triggered digits the backdoored model classifies as 7.</summary>
    public required double AttackSuccessRate { get; init; }

    public required double CleanAccuracy { get; init; }
}
