using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Detectors.Preprocessing.GaussianNoise;

/// <summary>Policy <c>type: gaussianNoise</c>.</summary>
internal static class GaussianNoiseDefinition
{
    public const string Type = "gaussianNoise";

    public const double DefaultSigma = 0.05;

    public static DefenseDefinition Definition { get; } = new(
        Type,
        DefenseStage.Preprocess,
        "Additive Gaussian noise in pixel units; seeded per request.",
        [
            new OptionDefinition("sigma", OptionKind.Number, "Noise standard deviation in pixel units (fraction of the full intensity range).") { Minimum = 0.001, Maximum = 1, Default = DefaultSigma },
            new OptionDefinition("clip", OptionKind.Boolean, "Clip the noisy pixels to the declared pixel range.") { Default = true },
        ])
    {
        Build = (reader, _) => Create(reader),
    };

    public static GaussianNoisePreprocessor Create(Options.DefenseOptionReader reader)
    {
        var options = new GaussianNoiseOptions(reader.Number("sigma"), reader.Boolean("clip"));
        reader.ThrowIfInvalid();
        return new GaussianNoisePreprocessor(options);
    }
}
