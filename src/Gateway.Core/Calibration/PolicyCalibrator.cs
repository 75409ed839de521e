using System.Collections;
using System.Globalization;
using NeuralSec.Detectors;
using NeuralSec.Detectors.Calibration;
using NeuralSec.Detectors.Catalog;
using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Defenses;
using NeuralSec.Policy.Editing;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Calibration;

/// <summary>
/// Calibrates every detect entry of one policy: builds its detectors exactly as the sidecar does
/// (<see cref="PolicyDefenses.Build"/>), scores the benign images with each, sets the threshold at the target
/// false-positive rate by <see cref="ThresholdCalibrator"/>, and scores the adversarial sets at that threshold.
/// Detectors score the original input, not the preprocessed one, as on the request path.
/// </summary>
internal static class PolicyCalibrator
{
    /// <summary>Seed of the random source randomized detectors draw from (STRIP's overlays): fixed, so a rerun on the
    /// same data gives the same threshold. It only picks overlays; production requests draw unpredictably.</summary>
    private const int Seed = 20_151_125;

    public static async Task<IReadOnlyList<DetectorCalibration>> RunAsync(
        FirewallPolicy policy,
        string modelName,
        CalibrationModels models,
        CalibrationImages benign,
        IReadOnlyList<CalibrationImages> adversarial,
        double targetFpr,
        ThresholdMethod method,
        CancellationToken cancellationToken)
    {
        var image = policy.Input.Image ?? throw new CalibrationException($"{policy.Source}: the policy has no spec.input.image; detectors need to know which input is the image");
        var layout = image.Nhwc ? ImageLayout.Nhwc : ImageLayout.Nchw;
        var scaling = new ImageScaling(image.Range[0], image.Range[1], image.Mean.Count > 0 ? image.Mean : null, image.Std.Count > 0 ? image.Std : null);
        var shape = ImageInputShape(models, modelName, image.Tensor, layout);
        var benignBatch = benign.ToModelInput(layout, scaling, shape);
        var adversarialBatches = adversarial.Select(a => a.ToModelInput(layout, scaling, shape)).ToArray();

        // The statistics detector's benign means and deviations are options, not a threshold: fit them first and build
        // the detector with them, so its threshold is calibrated on the scores it will really produce.
        var baselines = new StatisticsBaseline?[policy.Detect.Count];
        var specs = new DefenseSpec[policy.Detect.Count];
        for (var i = 0; i < specs.Length; i++)
        {
            (specs[i], baselines[i]) = policy.Detect[i].Type == PolicyRewriter.StatisticsType
                ? WithBaseline(policy.Detect[i], i, benignBatch)
                : (policy.Detect[i], null);
        }

        var defenses = Build(policy with { Detect = specs }, models.Repository);
        var model = models.Runner(modelName);
        var results = new List<DetectorCalibration>();
        for (var i = 0; i < defenses.Detectors.Count; i++)
        {
            var detector = defenses.Detectors[i];
            foreach (var auxiliary in detector.Detector.AuxiliaryModels)
            {
                models.Model(auxiliary); // load (and fail) before scoring, with the model's name in the message
            }

            DetectionContext Context() => new(model, new Random(Seed), models.Runner);
            var flagsBelow = detector.Detector.FlagsBelowThreshold;
            var benignScores = await CalibrationScoring.ScoreAsync(detector, i, benignBatch, Context(), cancellationToken).ConfigureAwait(false);
            double threshold;
            try
            {
                threshold = ThresholdCalibrator.Calibrate(benignScores, targetFpr, flagsBelow, method);
            }
            catch (ArgumentException ex)
            {
                throw new CalibrationException($"detect[{i}] {detector.Spec.Type}: {ex.Message}", ex);
            }

            if (!double.IsFinite(threshold))
            {
                throw new CalibrationException($"detect[{i}] {detector.Spec.Type}: the {method} rule gave threshold {threshold}; use a target rate above 0 or --method quantile");
            }

            var adversarialScores = new List<IReadOnlyList<double>>();
            foreach (var set in adversarialBatches)
            {
                adversarialScores.Add(await CalibrationScoring.ScoreAsync(detector, i, set, Context(), cancellationToken).ConfigureAwait(false));
            }

            var grades = new List<(int, double, double)>();
            for (var g = 0; g < detector.Spec.Grades.Count; g++)
            {
                if (detector.Spec.Grades[g].TargetFpr is { } gradeFpr)
                {
                    var gradeThreshold = ThresholdCalibrator.Calibrate(benignScores, gradeFpr, flagsBelow, method);
                    if (!double.IsFinite(gradeThreshold))
                    {
                        throw new CalibrationException($"detect[{i}] {detector.Spec.Type} grades[{g}]: the {method} rule gave threshold {gradeThreshold} at fpr {gradeFpr}; use --method quantile or a larger benign set");
                    }

                    grades.Add((g, gradeFpr, gradeThreshold));
                }
            }

            results.Add(new DetectorCalibration(i, policy.Detect[i], flagsBelow, threshold, benignScores, adversarialScores, baselines[i]) { Grades = grades });
        }

        return results;
    }

    /// <summary>The shape of the model's image input, checked against what <see cref="OnnxModelRunner"/> can feed.</summary>
    private static long[] ImageInputShape(CalibrationModels models, string modelName, string tensor, ImageLayout layout)
    {
        var model = models.Model(modelName);
        var input = model.Inputs.FirstOrDefault(i => i.Name == tensor)
            ?? throw new CalibrationException($"model '{modelName}' has no input '{tensor}' (spec.input.image.tensor); its inputs: {string.Join(", ", model.Inputs.Select(i => i.Name))}");
        if (model.Inputs.Count != 1)
        {
            throw new CalibrationException($"model '{modelName}' has {model.Inputs.Count} inputs; calibration runs models whose only input is the image");
        }

        if (input.DataType != TensorDataType.FP32)
        {
            throw new CalibrationException($"model '{modelName}' input '{tensor}' is {input.DataType.ToWireName()}; image detectors need FP32");
        }

        return ImageTensorShape.Check(input.Shape, layout) is { } error
            ? throw new CalibrationException($"model '{modelName}' input '{tensor}': {error}")
            : input.Shape;
    }

    private static (DefenseSpec, StatisticsBaseline) WithBaseline(DefenseSpec spec, int index, ImageBatch benign)
    {
        try
        {
            var features = OptionValue(spec, "features") is IEnumerable list
                ? list.Cast<object>().Select(o => Convert.ToString(o, CultureInfo.InvariantCulture)!).ToArray()
                : null;
            var baseline = StatisticsBaseline.Fit(
                benign,
                features,
                Convert.ToDouble(OptionValue(spec, "greyLow"), CultureInfo.InvariantCulture),
                Convert.ToDouble(OptionValue(spec, "greyHigh"), CultureInfo.InvariantCulture));
            var options = new Dictionary<string, object>(spec.Options, StringComparer.Ordinal)
            {
                [PolicyRewriter.BenignMeanKey] = baseline.Mean.ToArray(),
                [PolicyRewriter.BenignStdKey] = baseline.Std.ToArray(),
            };
            return (spec with { Options = options }, baseline);
        }
        catch (ArgumentException ex)
        {
            throw new CalibrationException($"detect[{index}] statistics: {ex.Message}", ex);
        }
    }

    /// <summary>The entry's option value, or the catalog's default for it (the validator fills defaults in; this is
    /// for specs built elsewhere).</summary>
    private static object? OptionValue(DefenseSpec spec, string name) =>
        spec.Options.TryGetValue(name, out var value)
            ? value
            : DefenseCatalog.Find(spec.Type)?.Options.FirstOrDefault(o => o.Name == name)?.Default;

    /// <summary>The policy's defenses; file references (STRIP's pool) resolve as in the sidecar: next to the policy,
    /// then in the model repository.</summary>
    private static PolicyDefenses Build(FirewallPolicy policy, string repository)
    {
        try
        {
            return PolicyDefenses.Build(policy, (policyFile, reference) =>
            {
                var candidates = Path.IsPathRooted(reference)
                    ? [reference]
                    : new[] { Path.Combine(Path.GetDirectoryName(policyFile) ?? ".", reference), Path.Combine(repository, reference) };
                var path = candidates.FirstOrDefault(File.Exists)
                    ?? throw new FileNotFoundException($"image set '{reference}' not found (looked in: {string.Join(", ", candidates)})");
                return ImageSetFile.Read(path);
            }, FingerprintSecret.Random().Bytes); // calibration scores input detectors only; stream detectors are built, not used
        }
        catch (Exception ex) when (ex is DefenseConfigurationException or IOException or InvalidDataException)
        {
            throw new CalibrationException($"{policy.Source}: {ex.Message}", ex);
        }
    }
}
