using System.Buffers;
using System.Buffers.Binary;
using NeuralSec.Gateway.ClientState;

namespace NeuralSec.Gateway.QueryStream;

/// <summary>
/// Content hashes of a client's last <see cref="Capacity"/> images. An exact repeat of one of them — a retry, a
/// cache miss, the same photo sent twice — carries no new information for an attacker (the model answers it the
/// same way), so the stream detectors do not see it as a new query: near-duplicate search would call a retry an
/// attack, and PRADA's distance test would read its zero distance as a synthetic stream. It is still answered and
/// still spends the client's budget.
/// </summary>
internal sealed class RecentQueries
{
    public const int Capacity = 64;

    private readonly ulong[] _hashes = new ulong[Capacity];
    private int _next;
    private int _count;

    /// <summary>True when <paramref name="hash"/> is among the recent ones; otherwise remembers it.</summary>
    public bool SeenOrAdd(ulong hash)
    {
        if (_hashes.AsSpan(0, _count).Contains(hash))
        {
            return true;
        }

        _hashes[_next] = hash;
        _next = (_next + 1) % Capacity;
        _count = Math.Min(_count + 1, Capacity);
        return false;
    }

    /// <summary>The state as a history store keeps it: count, next slot, hashes.</summary>
    internal sealed class Codec : IClientStateCodec<RecentQueries>
    {
        public static Codec Instance { get; } = new();

        public string Name => "recent";

        public RecentQueries Create() => new();

        public RecentQueries Read(ReadOnlySpan<byte> data)
        {
            if (data.Length != 8 + (Capacity * 8))
            {
                throw new FormatException($"recent-query state of {data.Length} bytes");
            }

            var state = new RecentQueries
            {
                _count = BinaryPrimitives.ReadInt32LittleEndian(data),
                _next = BinaryPrimitives.ReadInt32LittleEndian(data[4..]),
            };
            if (state._count is < 0 or > Capacity || state._next is < 0 or >= Capacity)
            {
                throw new FormatException("recent-query state out of range");
            }

            for (var i = 0; i < Capacity; i++)
            {
                state._hashes[i] = BinaryPrimitives.ReadUInt64LittleEndian(data[(8 + (i * 8))..]);
            }

            return state;
        }

        public void Write(RecentQueries state, IBufferWriter<byte> output)
        {
            var span = output.GetSpan(8 + (Capacity * 8));
            BinaryPrimitives.WriteInt32LittleEndian(span, state._count);
            BinaryPrimitives.WriteInt32LittleEndian(span[4..], state._next);
            for (var i = 0; i < Capacity; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(span[(8 + (i * 8))..], state._hashes[i]);
            }

            output.Advance(8 + (Capacity * 8));
        }

        public int SizeOf(RecentQueries state) => 8 + (Capacity * 8) + 32;
    }
}
