using System.Collections.Frozen;

namespace NeuralSec.Detectors.Catalog;

/// <summary>
/// Every defense type a policy may name. A defense is added by adding its folder (definition, options,
/// implementation) and one line here; the policy validator and the JSON Schema follow on their own.
/// </summary>
public static class DefenseCatalog
{
    private static readonly FrozenDictionary<string, DefenseDefinition> ByType =
        Definitions().ToFrozenDictionary(d => d.Type, StringComparer.Ordinal);

    public static IReadOnlyCollection<DefenseDefinition> All => ByType.Values;

    public static DefenseDefinition? Find(string type) => ByType.GetValueOrDefault(type);

    private static IEnumerable<DefenseDefinition> Definitions()
    {
        // Preprocessing (spec.preprocess).
        yield return Preprocessing.BitDepth.BitDepthDefinition.Definition;
        yield return Preprocessing.Median.MedianDefinition.Definition;
        yield return Preprocessing.GaussianBlur.GaussianBlurDefinition.Definition;
        yield return Preprocessing.NonLocalMeans.NonLocalMeansDefinition.Definition;
        yield return Preprocessing.Jpeg.JpegDefinition.Definition;
        yield return Preprocessing.RandomResizePad.RandomResizePadDefinition.Definition;
        yield return Preprocessing.RandomShift.RandomShiftDefinition.Definition;
        yield return Preprocessing.GaussianNoise.GaussianNoiseDefinition.Definition;

        // Detectors (spec.detect).
        yield return Detection.FeatureSqueezing.FeatureSqueezingDefinition.Definition;
        yield return Detection.ReconstructionError.ReconstructionErrorDefinition.Definition;
        yield return Detection.Strip.StripDefinition.Definition;
        yield return Detection.Statistics.StatisticsDefinition.Definition;

        // Query-stream detectors (spec.extraction.detectors).
        yield return Stream.NearDuplicateDefinition.Definition;
        yield return Stream.DistanceDistributionDefinition.Definition;
        yield return Stream.QueryCoverageDefinition.Definition;
        yield return Stream.FlaggedInputsDefinition.Definition;
    }
}
