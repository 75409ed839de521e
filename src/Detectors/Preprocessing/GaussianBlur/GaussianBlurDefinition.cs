using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Detectors.Preprocessing.GaussianBlur;

/// <summary>Policy <c>type: gaussianBlur</c>.</summary>
internal static class GaussianBlurDefinition
{
    public const string Type = "gaussianBlur";

    public const double DefaultSigma = 1.0;

    public static DefenseDefinition Definition { get; } = new(
        Type,
        DefenseStage.Preprocess,
        "Gaussian denoising per channel (scipy gaussian_filter: truncated at 4σ, reflect borders).",
        [
            new OptionDefinition("sigma", OptionKind.Number, "Standard deviation in pixels.") { Minimum = 0.1, Maximum = 10, Default = DefaultSigma },
        ])
    {
        Build = (reader, _) => Create(reader),
    };

    public static GaussianBlurPreprocessor Create(Options.DefenseOptionReader reader)
    {
        var options = new GaussianBlurOptions(reader.Number("sigma"));
        reader.ThrowIfInvalid();
        return new GaussianBlurPreprocessor(options);
    }
}
