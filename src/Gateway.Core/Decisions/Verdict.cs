using NeuralSec.Gateway.Pipeline;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Decisions;

/// <summary>What one defense said about one request: its score against its threshold, whether it fired, the
/// action its policy entry prescribes, and — when it failed — why.</summary>
internal sealed record Verdict(PipelineStageId Stage, string Defense, bool Flagged, DefenseAction Action)
{
    public double? Score { get; init; }

    public double? Threshold { get; init; }

    /// <summary>MITRE ATLAS technique a hit indicates.</summary>
    public string? AtlasTechniqueId { get; init; }

    /// <summary>Set when the defense threw; the policy's onError rule decided what followed.</summary>
    public string? Error { get; init; }

    /// <summary>Earlier queries that support the verdict (a near-duplicate's matches), for the analyst.</summary>
    public IReadOnlyList<Detectors.Stream.QueryReference> Related { get; init; } = [];

    /// <summary>Further measurements behind the score (a stream detector's profile), for the analyst.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Measures { get; init; } = [];
}
