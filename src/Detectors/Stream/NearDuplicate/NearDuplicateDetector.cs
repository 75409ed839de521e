namespace NeuralSec.Detectors.Stream;

/// <summary>Blacklight's query fingerprint (Li et al., USENIX Security 2022). Stateless and thread-safe; the shared state is a
/// <see cref="NearDuplicateIndex"/>.</summary>
public sealed class NearDuplicateDetector
{
    private NearDuplicateDetector(NearDuplicateOptions options)
    {
        Options = options;
    }

    public NearDuplicateOptions Options { get; }

    public int FingerprintSize => Options.FingerprintSize;

    public int Evidence => Options.Evidence;

    /// <summary>The fingerprint of one image: pixels in [0, 1], flattened.</summary>
    public QueryFingerprint Fingerprint(ReadOnlySpan<float> unitPixels) => throw new NotImplementedException();

    /// <param name="o">Validated options.</param>
    /// <param name="secret">Used when <see cref="NearDuplicateOptions.Salt"/> is null: the host's per-deployment secret.</param>
    public static NearDuplicateDetector Create(NearDuplicateOptions o, ReadOnlySpan<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new NearDuplicateDetector(o);
    }
}
