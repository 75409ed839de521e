namespace NeuralSec.RedTeam.Evaluation;

/// <summary>Everything <c>strip-diagnose</c> measured, for <see cref="Report.StripDiagnosisReport"/>.</summary>
internal sealed class StripDiagnosis
{
    public required int Seed { get; init; }

    /// <summary>Overlays per input of the main rows (the sweep rows name their own).</summary>
    public required int Samples { get; init; }

    /// <summary>Digits per class in the committed 100-digit pool and in the whole 500-digit StripPool.</summary>
    public required int[] CommittedPoolClasses { get; init; }

    public required int[] FullPoolClasses { get; init; }

    /// <summary>StripPool digits (of 500) with any ink inside the 4×4 trigger square, and their mean pixel value there.</summary>
    public required int PoolDigitsInkingTrigger { get; init; }

    public required double PoolTriggerInk { get; init; }

    /// <summary>Ink (sum of pixel values) of each triggered evaluation digit in the 10×10 corner rows/cols 18–27 around the
    /// trigger, the square itself excluded: how close the digit's own strokes come to the trigger.</summary>
    public required double[] TriggeredCornerInk { get; init; }

    /// <summary>Mean normalised entropy of the plain (unblended) softmax on clean evaluation digits, by model.</summary>
    public required IReadOnlyDictionary<string, double> PlainEntropy { get; init; }

    public required IReadOnlyList<StripVariantResult> Variants { get; init; }
}
