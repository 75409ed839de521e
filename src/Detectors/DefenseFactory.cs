using NeuralSec.Detectors.Catalog;
using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Options;
using NeuralSec.Detectors.Preprocessing;

namespace NeuralSec.Detectors;

/// <summary>
/// Builds configured defenses from a policy entry's <c>type</c> and option values (double, long, bool, string, or arrays of
/// those, as the policy parser produces them). Names, kinds, bounds and defaults come from the <see cref="DefenseCatalog"/>
/// definitions — the single source of truth; options left out take their defaults. Every invalid option is reported in one
/// <see cref="DefenseConfigurationException"/>. Build once per policy load; the results are immutable and thread-safe.
/// </summary>
public static class DefenseFactory
{
    /// <exception cref="DefenseConfigurationException">Unknown type, a detector type, or invalid options.</exception>
    public static IPreprocessor CreatePreprocessor(string type, IReadOnlyDictionary<string, object>? options = null) =>
        (IPreprocessor)Build(type, DefenseStage.Preprocess, options, DefenseResources.None);

    /// <param name="type">A detector <c>type</c>.</param>
    /// <param name="options">The entry's options (not <c>threshold</c>/<c>action</c>: those belong to the decision stage).</param>
    /// <param name="resources">Host services some detectors need at build time (STRIP's pool loader).</param>
    /// <exception cref="DefenseConfigurationException">Unknown type, a preprocessing type, or invalid options.</exception>
    public static IDetector CreateDetector(string type, IReadOnlyDictionary<string, object>? options = null, DefenseResources? resources = null) =>
        (IDetector)Build(type, DefenseStage.Detect, options, resources ?? DefenseResources.None);

    /// <summary>A query-stream detector (<c>spec.extraction.detectors</c>): a <see cref="Stream.NearDuplicateDetector"/>,
    /// <see cref="Stream.DistanceDistributionDetector"/> or <see cref="Stream.QueryCoverageDetector"/>.</summary>
    /// <param name="type">A stream detector <c>type</c>.</param>
    /// <param name="options">The entry's options (not <c>threshold</c>/<c>action</c>).</param>
    /// <param name="resources">The per-deployment secret <c>nearDuplicate</c> falls back on.</param>
    /// <exception cref="DefenseConfigurationException">Unknown type, another stage's type, or invalid options.</exception>
    public static object CreateStreamDetector(string type, IReadOnlyDictionary<string, object>? options = null, DefenseResources? resources = null) =>
        Build(type, DefenseStage.Stream, options, resources ?? DefenseResources.None);

    /// <summary>All problems with an entry's options without building it (nothing is loaded); empty when valid. For validators
    /// that check rules spanning options (lengths that must agree, odd sizes) beside the per-option bounds.</summary>
    public static IReadOnlyList<string> Validate(string type, IReadOnlyDictionary<string, object>? options)
    {
        var definition = DefenseCatalog.Find(type);
        if (definition?.Build is null)
        {
            return [UnknownType(type, null)];
        }

        try
        {
            definition.Build(new DefenseOptionReader(definition, options), ValidationResources);
            return [];
        }
        catch (DefenseConfigurationException e)
        {
            return e.Errors;
        }
    }

    // Validation must not touch files: a loader that hands back a one-image stand-in lets STRIP's option rules run.
    private static DefenseResources ValidationResources { get; } = new()
    {
        LoadImages = _ => new Images.ImageBatch(new float[1], 1, 1, 1, 1),
        DeploymentSecret = new byte[] { 1 },
    };

    private static object Build(string type, DefenseStage stage, IReadOnlyDictionary<string, object>? options, DefenseResources resources)
    {
        ArgumentNullException.ThrowIfNull(type);
        var definition = DefenseCatalog.Find(type);
        if (definition?.Build is null || definition.Stage != stage)
        {
            throw new DefenseConfigurationException(type, [UnknownType(type, stage)]);
        }

        return definition.Build(new DefenseOptionReader(definition, options), resources);
    }

    private static string UnknownType(string type, DefenseStage? stage)
    {
        var known = DefenseCatalog.All.Where(d => stage is null || d.Stage == stage).Select(d => d.Type).Order(StringComparer.Ordinal);
        var what = stage switch
        {
            DefenseStage.Preprocess => "preprocessing defense",
            DefenseStage.Detect => "detector",
            DefenseStage.Stream => "stream detector",
            _ => "defense",
        };
        return $"unknown {what} type '{type}' (known: {string.Join(", ", known)})";
    }
}
