namespace NeuralSec.Detectors.Stream;

/// <summary>The result of matching one query against the near-duplicate index: the largest number of fingerprint hashes it
/// shares with one earlier live query (the score), and the earlier queries that share the most, best first.</summary>
/// <param name="SharedHashes">0 when nothing earlier shares a hash.</param>
/// <param name="Earlier">Best matches first, at most the evidence count asked for.</param>
public sealed record NearDuplicateMatch(int SharedHashes, IReadOnlyList<QueryReference> Earlier);
