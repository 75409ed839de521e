namespace NeuralSec.Detectors.Catalog;

/// <summary>What each <see cref="DefenseStage"/> means for a policy entry.</summary>
public static class DefenseStages
{
    /// <summary>Detectors decide: their entries carry a <c>threshold</c> and an <c>action</c>; preprocessing does not.</summary>
    public static bool Decides(this DefenseStage stage) => stage != DefenseStage.Preprocess;

    /// <summary>The policy list that names defenses of the stage.</summary>
    public static string PolicyList(this DefenseStage stage) => stage switch
    {
        DefenseStage.Preprocess => "spec.preprocess",
        DefenseStage.Detect => "spec.detect",
        _ => "spec.extraction.detectors",
    };

    /// <summary>What a defense of the stage is called in messages.</summary>
    public static string Noun(this DefenseStage stage) => stage switch
    {
        DefenseStage.Preprocess => "preprocessing defense",
        DefenseStage.Detect => "detector",
        _ => "stream detector",
    };
}
