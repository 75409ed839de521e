using NeuralSec.Detectors.Catalog;

namespace NeuralSec.Detectors.Detection.ReconstructionError;

/// <summary>Policy <c>type: reconstructionError</c>.</summary>
internal static class ReconstructionErrorDefinition
{
    public const string Type = "reconstructionError";

    /// <summary>MagNet's MNIST detector I (p = 2).</summary>
    public const long DefaultPower = 2;

    /// <summary>MagNet's lower CIFAR-10 divergence temperature (it also used 40).</summary>
    public const double DefaultTemperature = 10;

    public static DefenseDefinition Definition { get; } = new(
        Type,
        DefenseStage.Detect,
        "MagNet-style detector: reconstruction error of an autoencoder (mean |x − AE(x)|^p in pixel units) or the JSD between the classifier's softmax at temperature T on x and AE(x); high is suspicious.",
        [
            new OptionDefinition("autoencoder", OptionKind.String, "Name of the autoencoder model in the model repository (same input format as the protected model, output the same shape).")
            {
                Required = true,
                IsFileReference = true,
            },
            new OptionDefinition("metric", OptionKind.Enum, "error: mean |x − AE(x)|^p; divergence: Jensen–Shannon divergence of the classifier's outputs on x and AE(x).")
            {
                AllowedValues = ["error", "divergence"],
                Default = "error",
            },
            new OptionDefinition("p", OptionKind.Integer, "Power of the error metric: 1 (MagNet detector II) or 2 (detector I).") { Minimum = 1, Maximum = 2, Default = DefaultPower },
            new OptionDefinition("temperature", OptionKind.Number, "Softmax temperature of the divergence metric.") { Minimum = 0.01, Maximum = 1000, Default = DefaultTemperature },
        ])
    {
        AtlasTechniqueId = "AML.T0043",
        Cost = DetectorCost.AuxiliaryModel,
        Build = (reader, _) => Create(reader),
    };

    public static ReconstructionErrorDetector Create(Options.DefenseOptionReader reader)
    {
        var options = new ReconstructionErrorOptions(
            reader.String("autoencoder") ?? string.Empty,
            reader.String("metric") == "divergence" ? ReconstructionMetric.Divergence : ReconstructionMetric.Error,
            (int)reader.Integer("p"),
            reader.Number("temperature"));
        reader.ThrowIfInvalid();
        return new ReconstructionErrorDetector(options);
    }
}
