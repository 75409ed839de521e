using System.Security.Cryptography;
using System.Text;

namespace NeuralSec.Gateway.Identity;

/// <summary>
/// Hashed API keys from a file (a mounted Secret): <c>clientId:group:sha256-hex</c> per line, <c>#</c> comments.
/// The plain keys never sit in the sidecar's memory; a presented key is hashed and compared against every entry
/// in constant time, so timing reveals neither a prefix nor which entry matched.
/// </summary>
internal sealed class ApiKeyStore
{
    private readonly Entry[] _entries;

    private ApiKeyStore(Entry[] entries) => _entries = entries;

    public static ApiKeyStore Empty { get; } = new([]);

    public int Count => _entries.Length;

    public static ApiKeyStore Load(string path)
    {
        var entries = new List<Entry>();
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

            entries.Add(new Entry(parts[0], parts[1].Length == 0 ? null : parts[1], hash));
        }

        return new ApiKeyStore(entries.ToArray());
    }

    /// <summary>The SHA-256 hex an operator puts in the file for a key.</summary>
    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public CallerIdentity? Match(string presentedKey)
    {
        Span<byte> presented = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey), presented);
        Entry? match = null;
        foreach (var entry in _entries)
        {
            // No early exit: every entry is compared whatever matched before.
            if (CryptographicOperations.FixedTimeEquals(presented, entry.Hash))
            {
                match = entry;
            }
        }

        return match is null ? null : new CallerIdentity(match.ClientId, match.Group, CallerIdentitySource.ApiKey);
    }

    private sealed record Entry(string ClientId, string? Group, byte[] Hash);
}
