using System.Buffers.Binary;

namespace NeuralSec.Detectors.Stream;

/// <summary>Writes a stream-detector state's binary form into a span sized beforehand: little-endian values, the counterpart
/// of <see cref="StateReader"/>. The caller computes the exact size first, so a write never grows a buffer midway and a
/// size mismatch is a bug that throws rather than a short or padded state.</summary>
internal ref struct StateWriter(Span<byte> span)
{
    private readonly Span<byte> _span = span;
    private int _at;

    public readonly int Written => _at;

    public void Byte(byte v) => _span[_at++] = v;

    public void UShort(ushort v)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_span[_at..], v);
        _at += 2;
    }

    public void Int(int v)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_span[_at..], v);
        _at += 4;
    }

    public void Long(long v)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_span[_at..], v);
        _at += 8;
    }

    public void Float(float v)
    {
        BinaryPrimitives.WriteSingleLittleEndian(_span[_at..], v);
        _at += 4;
    }

    public void Double(double v)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_span[_at..], v);
        _at += 8;
    }
}
