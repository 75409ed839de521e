using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Detectors.Preprocessing.BitDepth;

/// <summary>Policy <c>type: bitDepth</c>.</summary>
internal static class BitDepthDefinition
{
    public const string Type = "bitDepth";

    /// <summary>5 bits: Xu et al.'s CIFAR-10 squeezer; small loss of accuracy, removes fine-grained perturbations.</summary>
    public const long DefaultBits = 5;

    public static DefenseDefinition Definition { get; } = new(
        Type,
        DefenseStage.Preprocess,
        "Reduces colour depth to 2^bits levels per channel (Xu et al. feature squeezing); 1 bit binarises at 0.5.",
        [
            new OptionDefinition("bits", OptionKind.Integer, "Bits per channel kept (1 = binarise).") { Minimum = 1, Maximum = 8, Default = DefaultBits },
        ])
    {
        Build = (reader, _) => Create(reader),
    };

    public static BitDepthPreprocessor Create(Options.DefenseOptionReader reader)
    {
        var options = new BitDepthOptions((int)reader.Integer("bits"));
        reader.ThrowIfInvalid();
        return new BitDepthPreprocessor(options);
    }
}
