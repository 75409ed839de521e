namespace NeuralSec.Detectors.Stream;

/// <summary>Options of <see cref="NearDuplicateDetector"/> (policy <c>type: nearDuplicate</c>).</summary>
/// <param name="Quantization">q: salted pixel values (0–255) are rounded to a multiple of q.</param>
/// <param name="Window">w: length of the sliding window over the flattened quantised input (stride 1). 20, not the published
/// 50 for MNIST: with ink-free windows skipped, 20 keeps benign digits apart and catches SimBA-DCT (docs/stream-detectors.md).</param>
/// <param name="FingerprintSize">S: the numerically smallest S distinct window hashes are kept.</param>
/// <param name="Salt">The secret the salt array and the hash key derive from; null: the host's per-deployment secret.</param>
/// <param name="Evidence">How many earlier matching queries a match reports.</param>
/// <param name="View">What is fingerprinted: the pixels (Blacklight) or <see cref="FingerprintViewSteps.Aligned"/>, which
/// undoes the shift, noise and brightness an adaptive attacker disguises its queries with, or
/// <see cref="FingerprintViewSteps.UprightView"/>, which also undoes a small rotation and rescaling.</param>
/// <param name="Matches">M: the score is the hashes shared with the M-th best earlier query, so M near-duplicates must be
/// on record before a query flags (1: Blacklight's one match). A camera re-sends a picture two or three times; an attack
/// sends hundreds.</param>
public sealed record NearDuplicateOptions(int Quantization = 50, int Window = 20, int FingerprintSize = 50, string? Salt = null, int Evidence = 5, FingerprintViewSteps View = FingerprintViewSteps.None, int Matches = 1)
{
    /// <summary>Most earlier matches a score may require (the index reports at most <see cref="NearDuplicateIndex.MaxEvidence"/>).</summary>
    public const int MaxMatches = 100;

    /// <summary>Hash windows with no ink too, as the released Blacklight code does; only to measure what skipping them buys.</summary>
    internal bool HashInkFreeWindows { get; init; }
}
