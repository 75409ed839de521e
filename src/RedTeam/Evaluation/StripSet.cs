namespace NeuralSec.RedTeam.Evaluation;

/// <summary>The digit sets the STRIP diagnosis scores: clean and triggered digits of each half of the test split.</summary>
internal enum StripSet
{
    /// <summary>Clean calibration-half digits: the thresholds come from these only.</summary>
    CleanCalibration,

    /// <summary>Clean evaluation-half digits: FRR.</summary>
    CleanEvaluation,

    /// <summary>Evaluation-half digits of classes ≠ 7 with the trigger: FAR (the reported figure).</summary>
    TriggeredEvaluation,

    /// <summary>Calibration-half digits of classes ≠ 7 with the trigger: FAR for choosing a configuration without touching
    /// the evaluation half.</summary>
    TriggeredCalibration,
}
