using System.Buffers;
using System.Buffers.Binary;
using NeuralSec.Gateway.ClientState;

namespace NeuralSec.Gateway.Tests.ClientState.Redis;

/// <summary>A stream-detector-like state for the history tests: the values a client's updates appended, stored as
/// 8-byte integers; bytes that are not a whole number of them are damaged (<see cref="FormatException"/>).</summary>
internal sealed class CounterCodec : IClientStateCodec<List<long>>
{
    public string Name => "counter";

    public List<long> Create() => [];

    public List<long> Read(ReadOnlySpan<byte> data)
    {
        if (data.Length % 8 != 0)
        {
            throw new FormatException($"{data.Length} bytes is not a whole number of values");
        }

        var values = new List<long>(data.Length / 8);
        for (var i = 0; i < data.Length; i += 8)
        {
            values.Add(BinaryPrimitives.ReadInt64LittleEndian(data[i..]));
        }

        return values;
    }

    public void Write(List<long> state, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(state.Count * 8);
        for (var i = 0; i < state.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[(i * 8)..], state[i]);
        }

        output.Advance(state.Count * 8);
    }

    public int SizeOf(List<long> state) => state.Count * 8;
}
