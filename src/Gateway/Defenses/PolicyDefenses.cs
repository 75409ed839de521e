using NeuralSec.Detectors;
using NeuralSec.Detectors.Catalog;
using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Preprocessing;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Defenses;

/// <summary>
/// The defenses of one policy revision, built once from its validated specs and shared by every request under
/// it: preprocessors in order, detectors with their thresholds, and the image geometry they work on.
/// </summary>
internal sealed class PolicyDefenses
{
    private PolicyDefenses(ImageInputPolicy? image, ImageScaling scaling, IReadOnlyList<IPreprocessor> preprocessors, IReadOnlyList<CompiledDetector> detectors)
    {
        Image = image;
        Scaling = scaling;
        Preprocessors = preprocessors;
        Detectors = detectors;
    }

    public static PolicyDefenses None { get; } = new(null, ImageScaling.UnitRange, [], []);

    public ImageInputPolicy? Image { get; }

    public ImageScaling Scaling { get; }

    public ImageLayout Layout => Image?.Nhwc == true ? ImageLayout.Nhwc : ImageLayout.Nchw;

    public IReadOnlyList<IPreprocessor> Preprocessors { get; }

    public IReadOnlyList<CompiledDetector> Detectors { get; }

    public bool IsEmpty => Preprocessors.Count == 0 && Detectors.Count == 0;

    /// <summary>Builds a policy's defenses. File references (STRIP's pool) resolve next to the policy file.</summary>
    /// <exception cref="Detectors.DefenseConfigurationException">An option the validator could not check is bad.</exception>
    public static PolicyDefenses Build(FirewallPolicy policy, Func<string, string, ImageBatch> loadImages)
    {
        if (policy.Preprocess.Count == 0 && policy.Detect.Count == 0)
        {
            return None;
        }

        var image = policy.Input.Image;
        var scaling = image is null
            ? ImageScaling.UnitRange
            : new ImageScaling(image.Range[0], image.Range[1], image.Mean.Count > 0 ? image.Mean : null, image.Std.Count > 0 ? image.Std : null);
        var preprocessors = policy.Preprocess.Select(p => DefenseFactory.CreatePreprocessor(p.Type, p.Options)).ToArray();
        var resources = new DefenseResources { LoadImages = reference => loadImages(policy.Source, reference) };
        var detectors = policy.Detect
            .Select(d => new CompiledDetector(d, DefenseCatalog.Find(d.Type)!, DefenseFactory.CreateDetector(d.Type, d.Options, resources)))
            .ToArray();
        return new PolicyDefenses(image, scaling, preprocessors, detectors);
    }
}
