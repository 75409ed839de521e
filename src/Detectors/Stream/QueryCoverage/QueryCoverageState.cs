using System.Buffers;
using System.Buffers.Binary;

namespace NeuralSec.Detectors.Stream;

/// <summary>
/// One client's coverage profile: per time bucket of the window, the query count, Σ weighted novelty (the score's part),
/// Σ novelty, Σ output entropy, the boundary-seeking count and the predicted-class histogram. Size: buckets × (40 + 4·classes)
/// bytes, classes = min(the model's class count, maxClasses).
/// </summary>
/// <remarks>Binary form, little-endian: "QC", version 1; buckets, classes, bucket width in ticks (a state from other options is
/// refused); newest bucket index; then per bucket its index, count, Σ score, Σ novelty, Σ entropy, boundary count, class
/// counts. Reading checks lengths against the options before allocating, every value for range, and the end.</remarks>
public sealed class QueryCoverageState
{
    internal const byte Version = 1;
    private const int HeaderBytes = 2 + 1 + 4 + 4 + 8 + 8;
    private const int BucketBytes = 8 + 4 + 8 + 8 + 8 + 4;

    internal QueryCoverageState(int buckets, long widthTicks)
    {
        WidthTicks = widthTicks;
        Index = new long[buckets];
        Array.Fill(Index, long.MinValue);
        Count = new int[buckets];
        Score = new double[buckets];
        Novelty = new double[buckets];
        Entropy = new double[buckets];
        Boundary = new int[buckets];
        ClassCounts = [];
        Newest = long.MinValue;
    }

    /// <summary>Estimated bytes held.</summary>
    public int ApproximateBytes => 96 + (Index.Length * BucketBytes) + (ClassCounts.Length * sizeof(int));

    internal long WidthTicks { get; }

    internal int Classes { get; private set; }

    internal long Newest { get; set; }

    internal long[] Index { get; }

    internal int[] Count { get; }

    internal double[] Score { get; }

    internal double[] Novelty { get; }

    internal double[] Entropy { get; }

    internal int[] Boundary { get; }

    /// <summary>Buckets × classes, row per bucket.</summary>
    internal int[] ClassCounts { get; private set; }

    internal void FixClasses(int classes)
    {
        Classes = classes;
        ClassCounts = new int[Index.Length * classes];
    }

    internal void Clear(int slot, long index)
    {
        Index[slot] = index;
        Count[slot] = 0;
        Score[slot] = 0;
        Novelty[slot] = 0;
        Entropy[slot] = 0;
        Boundary[slot] = 0;
        ClassCounts.AsSpan(slot * Classes, Classes).Clear();
    }

    /// <summary>Writes the binary form <see cref="QueryCoverageDetector.ReadState"/> reads.</summary>
    public void WriteTo(IBufferWriter<byte> w)
    {
        ArgumentNullException.ThrowIfNull(w);
        var size = HeaderBytes + (Index.Length * (BucketBytes + (Classes * sizeof(int))));
        var span = w.GetSpan(size)[..size];
        span[0] = (byte)'Q';
        span[1] = (byte)'C';
        span[2] = Version;
        var at = 3;
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], Index.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span[(at + 4)..], Classes);
        BinaryPrimitives.WriteInt64LittleEndian(span[(at + 8)..], WidthTicks);
        BinaryPrimitives.WriteInt64LittleEndian(span[(at + 16)..], Newest);
        at += 24;
        for (var b = 0; b < Index.Length; b++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], Index[b]);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 8)..], Count[b]);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 12)..], Score[b]);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 20)..], Novelty[b]);
            BinaryPrimitives.WriteDoubleLittleEndian(span[(at + 28)..], Entropy[b]);
            BinaryPrimitives.WriteInt32LittleEndian(span[(at + 36)..], Boundary[b]);
            at += BucketBytes;
            for (var c = 0; c < Classes; c++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(span[at..], ClassCounts[(b * Classes) + c]);
                at += 4;
            }
        }

        w.Advance(size);
    }

    internal static QueryCoverageState Read(ReadOnlySpan<byte> data, QueryCoverageOptions options, long widthTicks, double maxWeight)
    {
        var reader = new StateReader(data);
        if (reader.Byte() != 'Q' || reader.Byte() != 'C')
        {
            throw new FormatException("not a queryCoverage state (no QC magic)");
        }

        if (reader.Byte() != Version)
        {
            throw new FormatException("queryCoverage state of an unknown version");
        }

        var buckets = reader.Int();
        var classes = reader.Int();
        var width = reader.NonNegativeLong();
        if (buckets != options.Buckets || width != widthTicks || classes < 0 || classes > options.MaxClasses || classes == 1)
        {
            throw new FormatException("queryCoverage state written under other options (buckets, window, maxClasses)");
        }

        var state = new QueryCoverageState(buckets, widthTicks) { Newest = reader.NonNegativeLongOrMin() };
        if (classes > 0)
        {
            state.FixClasses(classes);
        }

        if ((long)buckets * (BucketBytes + (classes * 4L)) != reader.Remaining)
        {
            throw new FormatException("queryCoverage state has the wrong length");
        }

        for (var b = 0; b < buckets; b++)
        {
            var index = reader.NonNegativeLongOrMin();
            var count = reader.Int();
            var score = reader.FiniteNonNegative();
            var novelty = reader.FiniteNonNegative();
            var entropy = reader.FiniteNonNegative();
            var boundary = reader.Int();
            var empty = index == long.MinValue;
            if (count < 0 || boundary < 0 || boundary > count || novelty > count + 1e-6 || entropy > count + 1e-6 || score > (count * maxWeight) + 1e-6
                || (empty && count != 0) || (!empty && (index > state.Newest || index % buckets != b)) || (count > 0 && classes == 0))
            {
                throw new FormatException("queryCoverage state has a damaged bucket");
            }

            state.Index[b] = index;
            state.Count[b] = count;
            state.Score[b] = score;
            state.Novelty[b] = novelty;
            state.Entropy[b] = entropy;
            state.Boundary[b] = boundary;
            long sum = 0;
            for (var c = 0; c < classes; c++)
            {
                var n = reader.Int();
                if (n < 0)
                {
                    throw new FormatException("queryCoverage state has a negative class count");
                }

                state.ClassCounts[(b * classes) + c] = n;
                sum += n;
            }

            if (sum != count)
            {
                throw new FormatException("queryCoverage state's class counts do not add up");
            }
        }

        reader.End();
        return state;
    }
}
