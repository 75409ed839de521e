namespace NeuralSec.RedTeam.Evaluation;

/// <summary>One configuration's measurements: per-digit scores of every set, and blend statistics over all its blends.</summary>
internal sealed class StripVariantResult
{
    public required StripDiagnosisVariant Variant { get; init; }

    public required IReadOnlyDictionary<StripSet, StripSetScores> Sets { get; init; }

    /// <summary>Clean evaluation blends: share of the inked pixels (value &gt; 0) above 1, i.e. outside the model's input range.</summary>
    public required double InkAboveOne { get; init; }

    /// <summary>Triggered evaluation blends: mean of (mean value of the 4×4 trigger square) ÷ (brightest pixel of the blend) —
    /// 1 when the trigger is as bright as the brightest stroke, as it was in training.</summary>
    public required double TriggerContrast { get; init; }

    /// <summary>Triggered evaluation blends whose overlay has the digit's own (source) class: share not predicted as the target.</summary>
    public required double SameClassBreak { get; init; }

    /// <summary>Triggered evaluation blends whose overlay has another class: share not predicted as the target.</summary>
    public required double OtherClassBreak { get; init; }
}
