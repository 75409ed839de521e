using NeuralSec.Detectors.Catalog;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Defenses;

/// <summary>A policy's <c>spec.extraction.detectors</c> entry, built: the stream detector (a
/// <see cref="Detectors.Stream.NearDuplicateDetector"/>, <see cref="Detectors.Stream.DistanceDistributionDetector"/>,
/// <see cref="Detectors.Stream.QueryCoverageDetector"/> or <see cref="Detectors.Stream.FlaggedInputsDetector"/>), its catalog definition, its policy settings, and its
/// position in the list (which names its per-client state).</summary>
internal sealed record CompiledStreamDetector(DefenseSpec Spec, DefenseDefinition Definition, object Detector, int Position)
{
    public double? Threshold => Spec.Threshold;

    /// <summary>The per-client state codec of a stateful detector; null for the shared near-duplicate search.</summary>
    public object? Codec { get; } = Detector switch
    {
        Detectors.Stream.DistanceDistributionDetector d => new QueryStream.DistanceDistributionCodec(d, Position),
        Detectors.Stream.QueryCoverageDetector c => new QueryStream.QueryCoverageCodec(c, Position),
        Detectors.Stream.FlaggedInputsDetector f => new QueryStream.FlaggedInputsCodec(f, Position),
        _ => null,
    };

    /// <summary>Whether <paramref name="score"/> is beyond the threshold, on the definition's side of it.</summary>
    public bool Flags(double score) => Threshold is { } threshold && !double.IsNaN(score)
        && (Definition.FlagsBelowThreshold ? score < threshold : score > threshold);
}
