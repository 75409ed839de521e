namespace NeuralSec.Detectors.Stream;

/// <summary>The best near-duplicate match of a query: how many fingerprint hashes it shares with the closest earlier
/// query, and the earlier queries it matched (best first, at most the detector's evidence count).</summary>
public sealed record NearDuplicateMatch(int SharedHashes, IReadOnlyList<QueryReference> Earlier)
{
    public static NearDuplicateMatch None { get; } = new(0, []);
}
