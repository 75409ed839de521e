using NeuralSec.Detectors;
using NeuralSec.Detectors.Catalog;
using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Preprocessing;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Defenses;

/// <summary>
/// The defenses of one policy revision, built once from its validated specs and shared by every request under
/// it: preprocessors in order, detectors with their thresholds, the stream detectors, and the image geometry they
/// work on.
/// </summary>
internal sealed class PolicyDefenses
{
    private PolicyDefenses(ImageInputPolicy? image, ImageScaling scaling, IReadOnlyList<IPreprocessor> preprocessors, IReadOnlyList<IPreprocessor> repairers, IReadOnlyList<CompiledDetector> detectors, IReadOnlyList<CompiledStreamDetector> stream)
    {
        Image = image;
        Scaling = scaling;
        Preprocessors = preprocessors;
        Repairers = repairers;
        Detectors = detectors;
        Stream = stream;
        DetectorRounds = Defenses.DetectorRounds.Of(detectors.Select(d => d.Definition.Cost).ToArray());
        _allAtOnce = [Enumerable.Range(0, detectors.Count).ToArray()];
    }

    private readonly IReadOnlyList<int[]> _allAtOnce;

    public static PolicyDefenses None { get; } = new(null, ImageScaling.UnitRange, [], [], [], []);

    public ImageInputPolicy? Image { get; }

    public ImageScaling Scaling { get; }

    public ImageLayout Layout => Image?.Nhwc == true ? ImageLayout.Nhwc : ImageLayout.Nchw;

    public IReadOnlyList<IPreprocessor> Preprocessors { get; }

    /// <summary><c>spec.repair</c>: applied after <see cref="Preprocessors"/> to a request a detector repairs.</summary>
    public IReadOnlyList<IPreprocessor> Repairers { get; }

    public IReadOnlyList<CompiledDetector> Detectors { get; }

    /// <summary>Indices into <see cref="Detectors"/>, a round each: the rounds of <c>spec.detectOrder: cheapFirst</c>
    /// (<see cref="Defenses.DetectorRounds.Of"/>).</summary>
    public IReadOnlyList<int[]> DetectorRounds { get; }

    /// <summary>The rounds a request runs its detectors in: one round of all of them, or
    /// <see cref="DetectorRounds"/> when the policy runs the cheap ones first and its decisions are enforced (in
    /// monitor mode nothing is refused, so nothing may be skipped).</summary>
    public IReadOnlyList<int[]> RoundsFor(DetectOrder order, bool enforced) =>
        order == DetectOrder.CheapFirst && enforced ? DetectorRounds : _allAtOnce;

    /// <summary><c>spec.extraction.detectors</c>, near-duplicate search first (the others weigh by its novelty).</summary>
    public IReadOnlyList<CompiledStreamDetector> Stream { get; }

    /// <summary>No input defense (preprocessing or detector); stream detectors do not count.</summary>
    public bool IsEmpty => Preprocessors.Count == 0 && Detectors.Count == 0;

    /// <summary>Builds a policy's defenses. File references (STRIP's pool) resolve next to the policy file.</summary>
    /// <exception cref="Detectors.DefenseConfigurationException">An option the validator could not check is bad.</exception>
    /// <param name="policy">The policy revision.</param>
    /// <param name="loadImages">Resolves an image-set file reference next to the policy file.</param>
    /// <param name="deploymentSecret">The secret near-duplicate fingerprints are salted with, shared by all replicas.</param>
    public static PolicyDefenses Build(FirewallPolicy policy, Func<string, string, ImageBatch> loadImages, ReadOnlyMemory<byte> deploymentSecret)
    {
        var streamSpecs = policy.Extraction?.Detectors ?? [];
        if (policy.Preprocess.Count == 0 && policy.Detect.Count == 0 && streamSpecs.Count == 0)
        {
            return None;
        }

        var image = policy.Input.Image;
        var scaling = image is null
            ? ImageScaling.UnitRange
            : new ImageScaling(image.Range[0], image.Range[1], image.Mean.Count > 0 ? image.Mean : null, image.Std.Count > 0 ? image.Std : null);
        var preprocessors = policy.Preprocess.Select(p => DefenseFactory.CreatePreprocessor(p.Type, p.Options)).ToArray();
        var repairers = policy.Repair.Select(p => DefenseFactory.CreatePreprocessor(p.Type, p.Options)).ToArray();
        var resources = new DefenseResources { LoadImages = reference => loadImages(policy.Source, reference), DeploymentSecret = deploymentSecret };
        var detectors = policy.Detect
            .Select(d => new CompiledDetector(d, DefenseCatalog.Find(d.Type)!, DefenseFactory.CreateDetector(d.Type, d.Options, resources)))
            .ToArray();
        var stream = streamSpecs
            .Select((d, i) => new CompiledStreamDetector(d, DefenseCatalog.Find(d.Type)!, DefenseFactory.CreateStreamDetector(d.Type, d.Options, resources), i))
            .OrderBy(d => d.Detector is Detectors.Stream.NearDuplicateDetector ? 0 : 1)
            .ToArray();
        return new PolicyDefenses(image, scaling, preprocessors, repairers, detectors, stream);
    }
}
