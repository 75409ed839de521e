using System.Buffers.Binary;

namespace NeuralSec.Detectors.Stream;

/// <summary>Reads a stored stream-detector state: little-endian values, every read checked against what is left, so damaged
/// or hostile bytes end in a <see cref="FormatException"/> (never an allocation sized by the data: callers check each count
/// against their caps before allocating).</summary>
internal ref struct StateReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _at;

    public readonly int Remaining => _data.Length - _at;

    public byte Byte() => Take(1)[0];

    /// <summary>The next <paramref name="count"/> bytes (an embedded part, read by its own reader).</summary>
    public ReadOnlySpan<byte> Bytes(int count) => count >= 0 ? Take(count) : throw new FormatException("state holds a negative length");

    public ushort UShort() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

    public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    public long NonNegativeLong()
    {
        var v = BinaryPrimitives.ReadInt64LittleEndian(Take(8));
        return v >= 0 ? v : throw new FormatException("state holds a negative count");
    }

    /// <summary>A non-negative long, or long.MinValue (the "none" marker).</summary>
    public long NonNegativeLongOrMin()
    {
        var v = BinaryPrimitives.ReadInt64LittleEndian(Take(8));
        return v >= 0 || v == long.MinValue ? v : throw new FormatException("state holds a negative index");
    }

    public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    public double FiniteNonNegative()
    {
        var v = Double();
        return double.IsFinite(v) && v >= 0 ? v : throw new FormatException("state holds an out-of-range number");
    }

    public float FiniteFloat()
    {
        var v = BinaryPrimitives.ReadSingleLittleEndian(Take(4));
        return float.IsFinite(v) ? v : throw new FormatException("state holds a value that is not finite");
    }

    public readonly void End()
    {
        if (_at != _data.Length)
        {
            throw new FormatException($"state has {_data.Length - _at} bytes after its end");
        }
    }

    private ReadOnlySpan<byte> Take(int n)
    {
        if (_data.Length - _at < n)
        {
            throw new FormatException("state is truncated");
        }

        var slice = _data.Slice(_at, n);
        _at += n;
        return slice;
    }
}
