namespace NeuralSec.Detectors.Stream;

/// <summary>The result of matching one query against the near-duplicate index: the largest number of fingerprint hashes it
/// shares with one earlier live query (the score), and the earlier queries that share the most, best first.</summary>
/// <param name="SharedHashes">0 when nothing earlier shares a hash.</param>
/// <param name="Earlier">Best matches first, at most the evidence count asked for.</param>
/// <param name="EarlierShared">The hashes each of <paramref name="Earlier"/> shares, in the same order (empty when not
/// known).</param>
public sealed record NearDuplicateMatch(int SharedHashes, IReadOnlyList<QueryReference> Earlier, IReadOnlyList<int> EarlierShared)
{
    public NearDuplicateMatch(int sharedHashes, IReadOnlyList<QueryReference> earlier)
        : this(sharedHashes, earlier, [])
    {
    }

    /// <summary>The hashes shared with the <paramref name="rank"/>-th best earlier query: <see cref="SharedHashes"/> for
    /// 1, 0 when fewer earlier queries are known to match.</summary>
    public int SharedWith(int rank)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        return rank == 1 ? SharedHashes : rank <= EarlierShared.Count ? EarlierShared[rank - 1] : 0;
    }
}
