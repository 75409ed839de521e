namespace NeuralSec.Detectors.Stream;

/// <summary>A query's Blacklight fingerprint: at most S distinct 64-bit window hashes, ascending.</summary>
public sealed class QueryFingerprint
{
    private readonly ulong[] _hashes;

    private QueryFingerprint(ulong[] hashes) => _hashes = hashes;

    /// <summary>Distinct, ascending.</summary>
    public ReadOnlyMemory<ulong> Hashes => _hashes;

    /// <summary>A fingerprint from stored hashes (any order, duplicates dropped).</summary>
    public static QueryFingerprint FromHashes(ReadOnlySpan<ulong> h)
    {
        var copy = h.ToArray();
        Array.Sort(copy);
        var n = copy.Length == 0 ? 0 : 1;
        for (var i = 1; i < copy.Length; i++)
        {
            if (copy[i] != copy[n - 1])
            {
                copy[n++] = copy[i];
            }
        }

        return new QueryFingerprint(n == copy.Length ? copy : copy[..n]);
    }

    /// <summary>Takes ownership of hashes already distinct and ascending.</summary>
    internal static QueryFingerprint FromSortedDistinct(ulong[] hashes) => new(hashes);

    /// <summary>How many hashes this fingerprint shares with <paramref name="other"/> (what the index counts as a
    /// match's score), by a merge of the two ascending lists.</summary>
    public int Shared(QueryFingerprint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var (x, y) = (_hashes, other._hashes);
        var (i, j, shared) = (0, 0, 0);
        while (i < x.Length && j < y.Length)
        {
            if (x[i] == y[j])
            {
                (i, j, shared) = (i + 1, j + 1, shared + 1);
            }
            else if (x[i] < y[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return shared;
    }

    internal ReadOnlySpan<ulong> Span => _hashes;

    internal int Count => _hashes.Length;
}
