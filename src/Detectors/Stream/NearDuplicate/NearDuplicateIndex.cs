namespace NeuralSec.Detectors.Stream;

/// <summary>The account-oblivious fingerprint store all clients share: in memory, bounded by capacity and retention,
/// thread-safe.</summary>
public sealed class NearDuplicateIndex
{
    public NearDuplicateIndex(int capacity, TimeSpan retention, TimeProvider time, int maxPostingsPerHash = 64)
    {
        ArgumentNullException.ThrowIfNull(time);
    }

    public int Count => throw new NotImplementedException();

    public long ApproximateBytes => throw new NotImplementedException();

    public long Evicted => throw new NotImplementedException();

    /// <summary>Matches against the live entries, then inserts (always, even when it matches).</summary>
    public NearDuplicateMatch MatchAndAdd(QueryFingerprint fingerprint, QueryReference query, int evidence) => throw new NotImplementedException();
}
