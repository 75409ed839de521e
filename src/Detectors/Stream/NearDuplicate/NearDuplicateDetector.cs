using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace NeuralSec.Detectors.Stream;

/// <summary>
/// Blacklight's query fingerprint (Li et al., USENIX Security 2022): salted quantisation of the pixels, a sliding window of w
/// values (stride 1) over the flattened result, one hash per window, the S numerically smallest distinct hashes kept.
/// Near-identical queries — what query-based black-box attacks send — share most of them. Stateless and thread-safe; the
/// state shared by all clients is a <see cref="NearDuplicateIndex"/>.
/// </summary>
/// <remarks>
/// <para>Deviation from the released code, measured (docs/stream-detectors.md): windows that carry no ink — every value
/// equal to what a 0 pixel quantises to at that position — are not hashed. MNIST's black background makes such windows
/// common to almost every digit at the same positions, so unrelated digits would share fingerprint hashes. Skipping them keeps
/// the fingerprint about the content; an image with no ink at all has an empty fingerprint and matches nothing.</para>
/// <para>Hash: XxHash3 (64-bit) seeded from the secret, not the released SHA-256. Fingerprints never leave the process, so
/// one-wayness buys nothing here; what the defense needs is that an attacker cannot predict which windows collide, and that
/// rests on the secret salt and seed. 64 bits keep accidental collisions negligible (about 10⁻⁴ expected among 5·10⁷ stored
/// hashes), cost a quarter of SHA-256's 32 bytes per hash in the index, and hash a window an order of magnitude faster.</para>
/// </remarks>
public sealed class NearDuplicateDetector
{
    private const int MaxCachedLengths = 8;

    private readonly ulong _hashSeed;
    private readonly ulong _saltSeed;
    private readonly ConcurrentDictionary<int, float[]> _salts = new();

    private NearDuplicateDetector(NearDuplicateOptions options, ulong hashSeed, ulong saltSeed)
    {
        Options = options;
        _hashSeed = hashSeed;
        _saltSeed = saltSeed;
    }

    public NearDuplicateOptions Options { get; }

    public int FingerprintSize => Options.FingerprintSize;

    /// <summary>Earlier matches to ask the index for: the alert's evidence, and at least the <see cref="Matches"/> the
    /// score needs.</summary>
    public int Evidence => Math.Max(Options.Evidence, Options.Matches);

    /// <summary>M: the score is the hashes shared with the M-th best earlier query (<see cref="Score"/>).</summary>
    public int Matches => Options.Matches;

    /// <param name="o">The options; <see cref="NearDuplicateOptions.Salt"/>, when set, is the secret.</param>
    /// <param name="secret">Used when <see cref="NearDuplicateOptions.Salt"/> is null: the host's per-deployment secret. Every
    /// replica must use the same bytes, so that their fingerprints agree.</param>
    /// <exception cref="ArgumentException">An option out of range, or no secret at all.</exception>
    public static NearDuplicateDetector Create(NearDuplicateOptions o, ReadOnlySpan<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.Quantization is < 1 or > 255 || o.Window < 1 || o.FingerprintSize < 1 || o.Evidence < 0 || o.Matches is < 1 or > NearDuplicateOptions.MaxMatches
            || (o.View & ~FingerprintViewSteps.All) != 0)
        {
            throw new ArgumentException($"nearDuplicate options out of range: {o}", nameof(o));
        }

        var key = o.Salt is { } salt ? Encoding.UTF8.GetBytes(salt) : secret.ToArray();
        if (key.Length == 0)
        {
            throw new ArgumentException("nearDuplicate needs a secret: a 'salt' option or the deployment secret", nameof(secret));
        }

        // HKDF separates the two uses of the secret; the info string versions the derivation.
        Span<byte> derived = stackalloc byte[16];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, key, derived, salt: [], info: "neuralsec/nearDuplicate/v1"u8);
        CryptographicOperations.ZeroMemory(key);
        return new NearDuplicateDetector(o, BinaryPrimitives.ReadUInt64LittleEndian(derived), BinaryPrimitives.ReadUInt64LittleEndian(derived[8..]));
    }

    /// <summary>The score of a match: the hashes shared with the <see cref="Matches"/>-th best earlier query (0 when
    /// fewer are on record).</summary>
    public int Score(NearDuplicateMatch match)
    {
        ArgumentNullException.ThrowIfNull(match);
        return match.SharedWith(Options.Matches);
    }

    /// <summary>The fingerprint of one image in canonical planes (channel after channel, row after row), pixel units:
    /// of its <see cref="NearDuplicateOptions.View"/>.</summary>
    public QueryFingerprint Fingerprint(ReadOnlySpan<float> unitPixels, int channels, int height, int width)
    {
        if (Options.View == FingerprintViewSteps.None)
        {
            return Fingerprint(unitPixels);
        }

        var view = ArrayPool<float>.Shared.Rent(unitPixels.Length);
        try
        {
            var span = view.AsSpan(0, unitPixels.Length);
            FingerprintView.Apply(unitPixels, channels, height, width, Options.View, span);
            return Hash(span);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(view);
        }
    }

    /// <summary>The fingerprint of one image's pixels in [0, 1] (clamped), flattened in the model's layout.</summary>
    /// <exception cref="InvalidOperationException">The detector fingerprints a view, which needs the image's geometry.</exception>
    public QueryFingerprint Fingerprint(ReadOnlySpan<float> unitPixels)
    {
        if (Options.View != FingerprintViewSteps.None)
        {
            throw new InvalidOperationException($"this detector fingerprints the {Options.View} view: pass the image's channels, height and width");
        }

        return Hash(unitPixels);
    }

    private QueryFingerprint Hash(ReadOnlySpan<float> unitPixels)
    {
        var length = unitPixels.Length;
        var w = Options.Window;
        var windows = length - w + 1;
        if (windows <= 0)
        {
            return QueryFingerprint.FromHashes([]);
        }

        var salt = Salt(length);
        var q = Options.Quantization;
        var quantisedPool = ArrayPool<short>.Shared.Rent(length);
        var inkPool = ArrayPool<int>.Shared.Rent(length + 1);
        var hashPool = ArrayPool<ulong>.Shared.Rent(windows);
        try
        {
            var quantised = quantisedPool.AsSpan(0, length);
            var inkBefore = inkPool.AsSpan(0, length + 1);
            inkBefore[0] = 0;
            for (var i = 0; i < length; i++)
            {
                var pixel = Math.Clamp(float.IsNaN(unitPixels[i]) ? 0 : unitPixels[i], 0, 1);
                var value = Quantise((pixel * 255f) + salt[i], q);
                quantised[i] = value;
                inkBefore[i + 1] = inkBefore[i] + (value != Quantise(salt[i], q) ? 1 : 0);
            }

            var bytes = MemoryMarshal.AsBytes(quantised);
            var count = 0;
            var all = Options.HashInkFreeWindows;
            for (var start = 0; start < windows; start++)
            {
                if (all || inkBefore[start + w] != inkBefore[start])
                {
                    hashPool[count++] = XxHash3.HashToUInt64(bytes.Slice(start * sizeof(short), w * sizeof(short)), (long)_hashSeed);
                }
            }

            var hashes = hashPool.AsSpan(0, count);
            hashes.Sort();
            var distinct = 0;
            for (var i = 0; i < hashes.Length && distinct < Options.FingerprintSize; i++)
            {
                if (distinct == 0 || hashes[i] != hashes[distinct - 1])
                {
                    hashes[distinct++] = hashes[i];
                }
            }

            return QueryFingerprint.FromSortedDistinct(hashes[..distinct].ToArray());
        }
        finally
        {
            ArrayPool<short>.Shared.Return(quantisedPool);
            ArrayPool<int>.Shared.Return(inkPool);
            ArrayPool<ulong>.Shared.Return(hashPool);
        }
    }

    /// <summary>Blacklight's salted quantisation of one value v = 255·x + s: wrapped modulo 255, rounded to the nearest
    /// multiple of q.</summary>
    private static short Quantise(float value, int q)
    {
        var wrapped = value % 255f;
        return (short)(MathF.Round(wrapped / q, MidpointRounding.ToEven) * q);
    }

    /// <summary>The salt array for inputs of this length: uniform in [0, 255), fixed by the secret and the length.</summary>
    private float[] Salt(int length)
    {
        if (_salts.TryGetValue(length, out var cached))
        {
            return cached;
        }

        var random = new SplitMix64(_saltSeed ^ ((ulong)length * 0x9E3779B97F4A7C15UL));
        var salt = new float[length];
        for (var i = 0; i < length; i++)
        {
            salt[i] = (float)(random.NextDouble() * 255);
        }

        // A model's input length is fixed; the bound only stops odd inputs from growing the cache.
        if (_salts.Count < MaxCachedLengths)
        {
            _salts.TryAdd(length, salt);
        }

        return salt;
    }
}
