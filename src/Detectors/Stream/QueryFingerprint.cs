namespace NeuralSec.Detectors.Stream;

/// <summary>A query's near-duplicate fingerprint: at most S distinct 64-bit window hashes, ascending.</summary>
public sealed class QueryFingerprint
{
    private readonly ulong[] _hashes;

    private QueryFingerprint(ulong[] hashes) => _hashes = hashes;

    public ReadOnlyMemory<ulong> Hashes => _hashes;

    /// <summary>A fingerprint of the given hashes (sorted and de-duplicated here).</summary>
    public static QueryFingerprint FromHashes(ReadOnlySpan<ulong> hashes)
    {
        var sorted = hashes.ToArray();
        Array.Sort(sorted);
        var distinct = sorted.Length == 0 ? 0 : 1;
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] != sorted[distinct - 1])
            {
                sorted[distinct++] = sorted[i];
            }
        }

        return new QueryFingerprint(distinct == sorted.Length ? sorted : sorted[..distinct]);
    }
}
