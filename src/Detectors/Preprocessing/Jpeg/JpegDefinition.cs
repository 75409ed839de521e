using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Detectors.Preprocessing.Jpeg;

/// <summary>Policy <c>type: jpeg</c>.</summary>
internal static class JpegDefinition
{
    public const string Type = "jpeg";

    /// <summary>ART JpegCompression's default.</summary>
    public const long DefaultQuality = 50;

    public static DefenseDefinition Definition { get; } = new(
        Type,
        DefenseStage.Preprocess,
        "JPEG re-encode at a given quality (de-normalised to 0–255 by the input's declared scaling, encoded, decoded, re-normalised).",
        [
            new OptionDefinition("quality", OptionKind.Integer, "JPEG quality; lower removes more (≤ 95 recommended).") { Minimum = 1, Maximum = 100, Default = DefaultQuality },
        ])
    {
        Build = (reader, _) => Create(reader),
    };

    public static JpegPreprocessor Create(Options.DefenseOptionReader reader)
    {
        var options = new JpegOptions((int)reader.Integer("quality"));
        reader.ThrowIfInvalid();
        return new JpegPreprocessor(options);
    }
}
