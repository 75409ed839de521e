namespace NeuralSec.Detectors.Stream;

/// <summary>Options of <see cref="NearDuplicateDetector"/> (policy <c>type: nearDuplicate</c>).</summary>
/// <param name="Quantization">q: salted pixel values (0–255) are rounded to a multiple of q.</param>
/// <param name="Window">w: length of the sliding window over the flattened quantised input (stride 1). 20, not the published
/// 50 for MNIST: with ink-free windows skipped, 20 keeps benign digits apart and catches SimBA-DCT (docs/stream-detectors.md).</param>
/// <param name="FingerprintSize">S: the numerically smallest S distinct window hashes are kept.</param>
/// <param name="Salt">The secret the salt array and the hash key derive from; null: the host's per-deployment secret.</param>
/// <param name="Evidence">How many earlier matching queries a match reports.</param>
public sealed record NearDuplicateOptions(int Quantization = 50, int Window = 20, int FingerprintSize = 50, string? Salt = null, int Evidence = 5)
{
    /// <summary>Hash windows with no ink too, as the released Blacklight code does; only to measure what skipping them buys.</summary>
    internal bool HashInkFreeWindows { get; init; }
}
