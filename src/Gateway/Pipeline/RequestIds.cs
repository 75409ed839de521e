using System.Security.Cryptography;

namespace NeuralSec.Gateway.Pipeline;

/// <summary>Request ids: 16 random bytes as 32 hex digits — unguessable, so an id in a trailer reveals nothing.</summary>
internal static class RequestIds
{
    public static string New()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
