using System.Buffers;
using System.Buffers.Binary;

namespace NeuralSec.Detectors.Stream;

/// <summary>
/// One client's input-detector record: per time bucket of the window, the requests judged and the requests flagged.
/// Size: 24 + 16 × buckets bytes.
/// </summary>
/// <remarks>Binary form, little-endian: "FI", version 1; buckets, bucket width in ticks (a state from other options is
/// refused); newest bucket index; then per bucket its index, judged and flagged counts. Reading checks the length
/// against the options before allocating, every value for range, and the end.</remarks>
public sealed class FlaggedInputsState
{
    internal const byte Version = 1;
    private const int HeaderBytes = 2 + 1 + 4 + 8 + 8;
    private const int BucketBytes = 8 + 4 + 4;

    internal FlaggedInputsState(int buckets, long widthTicks)
    {
        WidthTicks = widthTicks;
        Index = new long[buckets];
        Array.Fill(Index, long.MinValue);
        Judged = new int[buckets];
        Flagged = new int[buckets];
        Newest = long.MinValue;
    }

    /// <summary>Estimated bytes held.</summary>
    public int ApproximateBytes => 64 + (Index.Length * BucketBytes);

    internal long WidthTicks { get; }

    internal long Newest { get; set; }

    internal long[] Index { get; }

    internal int[] Judged { get; }

    internal int[] Flagged { get; }

    internal void Clear(int slot, long index)
    {
        Index[slot] = index;
        Judged[slot] = 0;
        Flagged[slot] = 0;
    }

    /// <summary>Writes the binary form <see cref="FlaggedInputsDetector.ReadState"/> reads.</summary>
    public void WriteTo(IBufferWriter<byte> w)
    {
        ArgumentNullException.ThrowIfNull(w);
        var size = HeaderBytes + (Index.Length * BucketBytes);
        var span = w.GetSpan(size)[..size];
        span[0] = (byte)'F';
        span[1] = (byte)'I';
        span[2] = Version;
        BinaryPrimitives.WriteInt32LittleEndian(span[3..], Index.Length);
        BinaryPrimitives.WriteInt64LittleEndian(span[7..], WidthTicks);
        BinaryPrimitives.WriteInt64LittleEndian(span[15..], Newest);
        var at = HeaderBytes;
        for (var b = 0; b < Index.Length; b++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], Index[b]);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 8)..], Judged[b]);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 12)..], Flagged[b]);
            at += BucketBytes;
        }

        w.Advance(size);
    }

    internal static FlaggedInputsState Read(ReadOnlySpan<byte> data, FlaggedInputsOptions options, long widthTicks)
    {
        var reader = new StateReader(data);
        if (reader.Byte() != 'F' || reader.Byte() != 'I')
        {
            throw new FormatException("not a flaggedInputs state (no FI magic)");
        }

        if (reader.Byte() != Version)
        {
            throw new FormatException("flaggedInputs state of an unknown version");
        }

        var buckets = reader.Int();
        var width = reader.NonNegativeLong();
        if (buckets != options.Buckets || width != widthTicks)
        {
            throw new FormatException("flaggedInputs state written under other options (buckets, window)");
        }

        var state = new FlaggedInputsState(buckets, widthTicks) { Newest = reader.NonNegativeLongOrMin() };
        if ((long)buckets * BucketBytes != reader.Remaining)
        {
            throw new FormatException("flaggedInputs state has the wrong length");
        }

        for (var b = 0; b < buckets; b++)
        {
            var index = reader.NonNegativeLongOrMin();
            var judged = reader.Int();
            var flagged = reader.Int();
            var empty = index == long.MinValue;
            if (judged < 0 || flagged < 0 || flagged > judged || (empty && judged != 0)
                || (!empty && (index > state.Newest || index % buckets != b)))
            {
                throw new FormatException("flaggedInputs state has a damaged bucket");
            }

            state.Index[b] = index;
            state.Judged[b] = judged;
            state.Flagged[b] = flagged;
        }

        reader.End();
        return state;
    }
}
