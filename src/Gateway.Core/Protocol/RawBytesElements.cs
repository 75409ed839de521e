using System.Buffers.Binary;

namespace NeuralSec.Gateway.Protocol;

/// <summary>The Triton raw layout of a BYTES tensor: each element is a 4-byte little-endian length and its bytes.</summary>
internal static class RawBytesElements
{
    /// <summary>Counts the elements of a raw BYTES blob, or returns null when a length runs past the end.</summary>
    public static long? Count(ReadOnlySpan<byte> raw)
    {
        long count = 0;
        var offset = 0;
        while (offset < raw.Length)
        {
            if (raw.Length - offset < 4)
            {
                return null;
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(raw[offset..]);
            if (length > (uint)(raw.Length - offset - 4))
            {
                return null;
            }

            offset += 4 + (int)length;
            count++;
        }

        return count;
    }

    public static IEnumerable<ReadOnlyMemory<byte>> Enumerate(ReadOnlyMemory<byte> raw)
    {
        var offset = 0;
        while (offset + 4 <= raw.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(raw.Span[offset..]);
            yield return raw.Slice(offset + 4, length);
            offset += 4 + length;
        }
    }
}
