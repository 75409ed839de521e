using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Detectors.Detection.Statistics;

/// <summary>Policy <c>type: statistics</c>.</summary>
internal static class StatisticsDefinition
{
    public const string Type = "statistics";

    public static IReadOnlyList<string> DefaultFeatures { get; } = ["mean", "std", "midGrey", "totalVariation"];

    public const double DefaultGreyLow = 0.1;
    public const double DefaultGreyHigh = 0.9;

    public static DefenseDefinition Definition { get; } = new(
        Type,
        DefenseStage.Detect,
        "Cheap statistical first line, no model call: largest distance of per-image statistics from their benign means, in benign standard deviations; high is suspicious.",
        [
            new OptionDefinition("features", OptionKind.StringList, "Statistics compared (pixel units): mean, std, midGrey (fraction inside the grey band), totalVariation, outOfRange (fraction outside [0, 1]).")
            {
                AllowedValues = ImageFeatures.Names,
                Default = DefaultFeatures.ToArray(),
            },
            new OptionDefinition("benignMean", OptionKind.NumberList, "Benign mean of each feature, in the order of 'features'; written by `neuralsec calibrate`.") { Required = true },
            new OptionDefinition("benignStd", OptionKind.NumberList, "Benign standard deviation of each feature, in the order of 'features'; written by `neuralsec calibrate`.") { Required = true, Minimum = 0 },
            new OptionDefinition("greyLow", OptionKind.Number, "Lower edge of the mid-grey band (exclusive), pixel units.") { Minimum = 0, Maximum = 1, Default = DefaultGreyLow },
            new OptionDefinition("greyHigh", OptionKind.Number, "Upper edge of the mid-grey band (exclusive), pixel units.") { Minimum = 0, Maximum = 1, Default = DefaultGreyHigh },
        ])
    {
        AtlasTechniqueId = "AML.T0043",
        Cost = DetectorCost.Pixels,
        Build = (reader, _) => Create(reader),
    };

    public static StatisticsDetector Create(Options.DefenseOptionReader reader)
    {
        var names = reader.StringList("features");
        var mean = reader.NumberList("benignMean");
        var std = reader.NumberList("benignStd");
        var low = reader.Number("greyLow");
        var high = reader.Number("greyHigh");
        if (names.Count == 0 || names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            reader.Error("option 'features' must list at least one statistic, each once");
        }

        if (reader.IsSet("benignMean") && mean.Count != names.Count)
        {
            reader.Error($"option 'benignMean' has {mean.Count} values for {names.Count} features; give one per feature, in the same order");
        }

        if (reader.IsSet("benignStd") && std.Count != names.Count)
        {
            reader.Error($"option 'benignStd' has {std.Count} values for {names.Count} features; give one per feature, in the same order");
        }

        if (std.Any(s => s <= 0))
        {
            reader.Error("option 'benignStd' values must be greater than 0 (a constant feature cannot be scored in standard deviations; drop it)");
        }

        if (!(low < high))
        {
            reader.Error($"option 'greyLow' ({low}) must be below 'greyHigh' ({high})");
        }

        reader.ThrowIfInvalid();
        return new StatisticsDetector(new StatisticsOptions(names.Select(ImageFeatures.Parse).ToArray(), mean, std, low, high));
    }
}
