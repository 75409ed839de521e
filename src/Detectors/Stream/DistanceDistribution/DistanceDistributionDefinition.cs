using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Detectors.Stream;

/// <summary>Policy <c>type: distanceDistribution</c> (spec.extraction.detectors).</summary>
internal static class DistanceDistributionDefinition
{
    public const string Type = "distanceDistribution";

    public static DefenseDefinition Definition { get; } = new(
        Type,
        DefenseStage.Stream,
        "PRADA model-extraction detector, per client: the distance of each query to the client's earlier queries of the same predicted class; the score is the Shapiro–Wilk W of those distances; LOW is suspicious (flagged when below the threshold; benign streams are near-normal, synthetic extraction streams are not). Tested every 'evaluateEvery' queries once more than 'minDistances' distances are pooled.",
        [
            new OptionDefinition("sketchDimensions", OptionKind.Integer, "Distances are taken on a seeded Gaussian random projection of the input to this many dimensions (bounds memory); 0: on the raw input.") { Minimum = 0, Maximum = 4096, Default = 64L },
            new OptionDefinition("maxPerClass", OptionKind.Integer, "Cap on each predicted class's growing set of reference queries.") { Minimum = 1, Maximum = 1024, Default = 32L },
            new OptionDefinition("maxDistances", OptionKind.Integer, "Ring of the most recent distances the test pools.") { Minimum = ShapiroWilk.MinimumCount, Maximum = ShapiroWilk.MaximumCount, Default = 1000L },
            new OptionDefinition("minDistances", OptionKind.Integer, "Test only when more than this many distances are pooled.") { Minimum = ShapiroWilk.MinimumCount, Maximum = ShapiroWilk.MaximumCount, Default = 100L },
            new OptionDefinition("evaluateEvery", OptionKind.Integer, "Test every this many queries of the client.") { Minimum = 1, Maximum = 100_000, Default = 10L },
            new OptionDefinition("minPerClass", OptionKind.Integer, "A class's distances are pooled only when it has at least this many.") { Minimum = 1, Maximum = ShapiroWilk.MaximumCount, Default = 10L },
            new OptionDefinition("maxClasses", OptionKind.Integer, "Predicted classes beyond this fold modulo, bounding the state.") { Minimum = 1, Maximum = 1024, Default = 64L },
            new OptionDefinition("minDistance", OptionKind.Number, "A query closer than this (L2, in the input's units) to its class's growing set is a near-repeat of an earlier one — the same picture taken again, re-encoded or with sensor noise — and is not recorded, as exact repeats are not; 0: every query is recorded (the reference).") { Minimum = 0, Maximum = 1e6, Default = 0.0 },
        ])
    {
        AtlasTechniqueId = "AML.T0024.002",
        FlagsBelowThreshold = true,
        Build = (reader, _) => Create(reader),
    };

    public static DistanceDistributionDetector Create(Options.DefenseOptionReader reader)
    {
        var options = new DistanceDistributionOptions(
            (int)reader.Integer("sketchDimensions"),
            (int)reader.Integer("maxPerClass"),
            (int)reader.Integer("maxDistances"),
            (int)reader.Integer("minDistances"),
            (int)reader.Integer("evaluateEvery"),
            (int)reader.Integer("minPerClass"),
            (int)reader.Integer("maxClasses"),
            reader.Number("minDistance"));
        if (options.MinDistances >= options.MaxDistances)
        {
            reader.Error($"option 'minDistances' ({options.MinDistances}) must be below 'maxDistances' ({options.MaxDistances}), or the test never runs");
        }

        reader.ThrowIfInvalid();
        return new DistanceDistributionDetector(options);
    }
}
