using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;

namespace NeuralSec.Gateway.Identity;

/// <summary>
/// Hashed API keys from a file (a mounted Secret): <c>clientId:group:sha256-hex</c> per line, <c>#</c> comments.
/// The plain keys never sit in the sidecar's memory. A presented key is hashed and looked up by its SHA-256, so a
/// request costs the same with ten keys or a hundred thousand; the found entry is then compared in constant time.
/// A hash-table probe on a SHA-256 reveals nothing an attacker can use: timing could at most tell how a hash of
/// their guess falls among the buckets, never how close the guess is to a real key.
/// </summary>
internal sealed class ApiKeyStore
{
    /// <summary>Keys up to this many UTF-8 bytes are hashed from the stack; longer ones (a header can be kilobytes)
    /// from a pooled buffer.</summary>
    private const int StackKeyBytes = 256;

    private readonly FrozenDictionary<Digest, Entry> _entries;
    private long _lookups;

    private ApiKeyStore(FrozenDictionary<Digest, Entry> entries) => _entries = entries;

    public static ApiKeyStore Empty { get; } = new(FrozenDictionary<Digest, Entry>.Empty);

    public int Count => _entries.Count;

    /// <summary>Keys hashed and looked up so far: shows that throttled attempts cost no hashing.</summary>
    public long Lookups => Interlocked.Read(ref _lookups);

    public static ApiKeyStore Load(string path)
    {
        var entries = new Dictionary<Digest, (Entry Entry, int Line)>();
        var lineNumber = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var parts = line.Split(':');
            if (parts.Length != 3 || parts[0].Length == 0 || parts[2].Length != 64)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: expected 'clientId:group:sha256-hex' (64 hex digits)");
            }

            byte[] hash;
            try
            {
                hash = Convert.FromHexString(parts[2]);
            }
            catch (FormatException)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: the key hash is not hexadecimal");
            }

            // One key naming two clients is a mistake in the Secret, and which one won would be an accident.
            var digest = Digest.From(hash);
            if (entries.TryGetValue(digest, out var earlier))
            {
                throw new InvalidDataException($"{path}:{lineNumber}: the same key hash as line {earlier.Line} ('{earlier.Entry.ClientId}')");
            }

            entries.Add(digest, (new Entry(parts[0], parts[1].Length == 0 ? null : parts[1], hash), lineNumber));
        }

        return new ApiKeyStore(entries.ToFrozenDictionary(e => e.Key, e => e.Value.Entry));
    }

    /// <summary>The SHA-256 hex an operator puts in the file for a key.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public CallerIdentity? Match(string presentedKey)
    {
        ArgumentNullException.ThrowIfNull(presentedKey);
        Interlocked.Increment(ref _lookups);
        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        HashUtf8(presentedKey, presented);

        // The constant-time comparison is belt and braces: the dictionary found the entry by this very digest.
        return _entries.TryGetValue(Digest.From(presented), out var entry) && CryptographicOperations.FixedTimeEquals(presented, entry.Hash)
            ? new CallerIdentity(entry.ClientId, entry.Group, CallerIdentitySource.ApiKey)
            : null;
    }

    private static void HashUtf8(string key, Span<byte> destination)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(key.Length);
        if (maxBytes <= StackKeyBytes)
        {
            Span<byte> utf8 = stackalloc byte[StackKeyBytes];
            var written = Encoding.UTF8.GetBytes(key, utf8);
            SHA256.HashData(utf8[..written], destination);
            CryptographicOperations.ZeroMemory(utf8[..written]);
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(maxBytes);
        try
        {
            var written = Encoding.UTF8.GetBytes(key, rented);
            SHA256.HashData(rented.AsSpan(0, written), destination);
            CryptographicOperations.ZeroMemory(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private sealed record Entry(string ClientId, string? Group, byte[] Hash);

    /// <summary>A SHA-256 as four words: a dictionary key without a byte-array comparer.</summary>
    private readonly record struct Digest(ulong A, ulong B, ulong C, ulong D)
    {
        public static Digest From(ReadOnlySpan<byte> hash) => new(
            BinaryPrimitives.ReadUInt64LittleEndian(hash),
            BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]));
    }
}
