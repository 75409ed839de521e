using System.Security.Cryptography;

namespace NeuralSec.Gateway.Defenses;

/// <summary>
/// The deployment's secret for near-duplicate fingerprints (<c>NeuralSec:ClientState:FingerprintSecretFile</c>): the
/// salt and hash key are derived from it, so an attacker who does not hold it cannot predict which of its queries
/// collide. Every replica sharing one index (Redis) must read the same file — a Kubernetes Secret mounted as a file —
/// or their fingerprints never match. Without a file, a random secret per process: right for one replica, and the
/// log says so.
/// </summary>
internal sealed class FingerprintSecret
{
    private const int MinimumLength = 16;

    private FingerprintSecret(byte[] bytes, bool configured)
    {
        Bytes = bytes;
        IsConfigured = configured;
    }

    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>False when the secret is this process's own random one.</summary>
    public bool IsConfigured { get; }

    public static FingerprintSecret Random() => new(RandomNumberGenerator.GetBytes(32), configured: false);

    /// <exception cref="InvalidOperationException">The file cannot be read or holds fewer than 16 bytes.</exception>
    public static FingerprintSecret Load(string? file)
    {
        if (string.IsNullOrEmpty(file))
        {
            return Random();
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"NeuralSec:ClientState:FingerprintSecretFile '{file}' cannot be read: {ex.Message}", ex);
        }

        var trimmed = bytes.AsSpan().TrimEnd("\r\n"u8).ToArray();
        if (trimmed.Length < MinimumLength)
        {
            throw new InvalidOperationException($"NeuralSec:ClientState:FingerprintSecretFile '{file}' holds {trimmed.Length} bytes; give at least {MinimumLength} random bytes");
        }

        return new FingerprintSecret(trimmed, configured: true);
    }
}
