using System.Security.Cryptography;

namespace NeuralSec.Gateway.Pipeline;

/// <summary>Request ids: 16 random bytes as 32 hex digits — unguessable, so an id in a trailer reveals nothing.</summary>
/// <remarks>The bytes come from the system CSPRNG a block at a time per thread (256 ids a call) instead of one call per
/// request: the same randomness, without a trip into the crypto library on every request. Each id's bytes are cleared
/// from the block once used.</remarks>
internal static class RequestIds
{
    private const int IdBytes = 16;
    private const int BlockBytes = 4096;

    [ThreadStatic]
    private static byte[]? ThreadBlock;

    [ThreadStatic]
    private static int ThreadNext;

    public static string New()
    {
        var block = ThreadBlock ??= new byte[BlockBytes];
        if (ThreadNext == 0)
        {
            RandomNumberGenerator.Fill(block);
        }

        var bytes = block.AsSpan(ThreadNext, IdBytes);
        var id = Convert.ToHexStringLower(bytes);
        bytes.Clear();
        ThreadNext = (ThreadNext + IdBytes) % BlockBytes;
        return id;
    }
}
