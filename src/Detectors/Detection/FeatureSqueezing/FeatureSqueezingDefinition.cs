using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Detectors.Detection.FeatureSqueezing;

/// <summary>Policy <c>type: featureSqueezing</c>. Default squeezers are Xu et al.'s MNIST joint detector.</summary>
internal static class FeatureSqueezingDefinition
{
    public const string Type = "featureSqueezing";

    public static IReadOnlyList<string> DefaultSqueezers { get; } = ["bitDepth1", "median2"];

    public static DefenseDefinition Definition { get; } = new(
        Type,
        DefenseStage.Detect,
        "Feature Squeezing (Xu et al.): max L1 distance between the model's softmax on the input and on each squeezed copy, in [0, 2]; high is suspicious. One batched model call.",
        [
            new OptionDefinition("squeezers", OptionKind.StringList, "Squeezed copies compared with the input: bitDepthB (B bits, 1–8), medianS (S×S median, 2–5), nonLocalMeans (search 13, block 3, strength 2).")
            {
                AllowedValues = Squeezers.Names,
                Default = DefaultSqueezers.ToArray(),
            },
        ])
    {
        AtlasTechniqueId = "AML.T0043",
        Cost = DetectorCost.ServedModel,
        Build = (reader, _) => Create(reader),
    };

    public static FeatureSqueezingDetector Create(Options.DefenseOptionReader reader)
    {
        var squeezers = reader.StringList("squeezers");
        if (squeezers.Count == 0)
        {
            reader.Error("option 'squeezers' needs at least one squeezer");
        }
        else if (squeezers.Count > 8 || squeezers.Distinct(StringComparer.Ordinal).Count() != squeezers.Count)
        {
            reader.Error("option 'squeezers' must list at most 8 distinct squeezers");
        }

        reader.ThrowIfInvalid();
        return new FeatureSqueezingDetector(new FeatureSqueezingOptions(squeezers));
    }
}
