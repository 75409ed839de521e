using System.Buffers;
using System.Buffers.Binary;

namespace NeuralSec.Detectors.Stream;

/// <summary>
/// One client's PRADA state: per predicted class, the growing set (at most maxPerClass points of the sketch), its threshold
/// and the running sums of its distances; the ring of the most recent d_min values with their classes; the last test. Every
/// part is capped by the detector's options, so a state's size is bounded whatever the stream.
/// </summary>
/// <remarks>Binary form, little-endian: "PD", version 1; the caps it was written under (dimensions, input length, maxPerClass,
/// maxClasses, maxDistances — a state from other options is refused rather than misread); queries, last W, last pooled count;
/// the classes (id, set size, threshold, distance count, sum, sum of squares, set points); the ring (count, then d and class,
/// oldest first). Reading checks every length against the caps before allocating, every value for range, and the end.</remarks>
public sealed class DistanceDistributionState
{
    internal const byte Version = 1;
    private const int HeaderBytes = 2 + 1 + (5 * 4) + 8 + 8 + 4 + 4;
    private const int ClassHeaderBytes = 2 + 4 + 8 + 4 + 8 + 8;

    internal DistanceDistributionState(DistanceDistributionOptions options, int dimensions)
    {
        Dimensions = dimensions;
        MaxPerClass = options.MaxPerClass;
        MaxClasses = options.MaxClasses;
        RingDistances = new float[options.MaxDistances];
        RingClasses = new ushort[options.MaxDistances];
        Classes = new ClassSet?[options.MaxClasses];
    }

    /// <summary>Estimated bytes held (the growing sets dominate: classes × maxPerClass × dimensions × 4 at most).</summary>
    public int ApproximateBytes
    {
        get
        {
            var bytes = 64 + (RingDistances.Length * 6) + (Classes.Length * 8);
            foreach (var set in Classes)
            {
                bytes += set is null ? 0 : 64 + (set.Points.Length * sizeof(float));
            }

            return bytes;
        }
    }

    /// <summary>Queries observed (saturating).</summary>
    public int Queries => (int)Math.Min(QueryCount, int.MaxValue);

    internal long QueryCount { get; set; }

    /// <summary>Sketch dimensions, or the input length when distances are on the raw input; 0 until the first query.</summary>
    internal int Dimensions { get; private set; }

    internal int InputLength { get; set; }

    internal int MaxPerClass { get; }

    internal int MaxClasses { get; }

    internal ClassSet?[] Classes { get; }

    internal float[] RingDistances { get; }

    internal ushort[] RingClasses { get; }

    internal int RingStart { get; set; }

    internal int RingCount { get; set; }

    internal double LastW { get; set; } = double.NaN;

    internal int LastPooled { get; set; }

    internal void FixDimensions(int dimensions) => Dimensions = dimensions;

    internal void Record(float distance, int label)
    {
        var capacity = RingDistances.Length;
        int at;
        if (RingCount < capacity)
        {
            at = (RingStart + RingCount) % capacity;
            RingCount++;
        }
        else
        {
            at = RingStart;
            RingStart = (RingStart + 1) % capacity;
        }

        RingDistances[at] = distance;
        RingClasses[at] = (ushort)label;
    }

    /// <summary>Writes the binary form <see cref="DistanceDistributionDetector.ReadState"/> reads.</summary>
    public void WriteTo(IBufferWriter<byte> w)
    {
        ArgumentNullException.ThrowIfNull(w);
        var present = Classes.Count(c => c is not null);
        var size = HeaderBytes + 4 + (RingCount * 6);
        foreach (var set in Classes)
        {
            size += set is null ? 0 : ClassHeaderBytes + (set.Count * Dimensions * sizeof(float));
        }

        var span = w.GetSpan(size)[..size];
        var writer = new Writer(span);
        writer.Byte((byte)'P');
        writer.Byte((byte)'D');
        writer.Byte(Version);
        writer.Int(Dimensions);
        writer.Int(InputLength);
        writer.Int(MaxPerClass);
        writer.Int(MaxClasses);
        writer.Int(RingDistances.Length);
        writer.Long(QueryCount);
        writer.Double(LastW);
        writer.Int(LastPooled);
        writer.Int(present);
        for (var c = 0; c < Classes.Length; c++)
        {
            if (Classes[c] is not { } set)
            {
                continue;
            }

            writer.UShort((ushort)c);
            writer.Int(set.Count);
            writer.Double(set.Threshold);
            writer.Int(set.DistanceCount);
            writer.Double(set.Sum);
            writer.Double(set.SumOfSquares);
            foreach (var v in set.Points.AsSpan(0, set.Count * Dimensions))
            {
                writer.Float(v);
            }
        }

        writer.Int(RingCount);
        for (var i = 0; i < RingCount; i++)
        {
            var at = (RingStart + i) % RingDistances.Length;
            writer.Float(RingDistances[at]);
            writer.UShort(RingClasses[at]);
        }

        w.Advance(size);
    }

    internal static DistanceDistributionState Read(ReadOnlySpan<byte> data, DistanceDistributionOptions options, int sketchDimensions)
    {
        var reader = new StateReader(data);
        if (reader.Byte() != 'P' || reader.Byte() != 'D')
        {
            throw new FormatException("not a distanceDistribution state (no PD magic)");
        }

        if (reader.Byte() != Version)
        {
            throw new FormatException("distanceDistribution state of an unknown version");
        }

        var dimensions = reader.Int();
        var inputLength = reader.Int();
        if (reader.Int() != options.MaxPerClass || reader.Int() != options.MaxClasses || reader.Int() != options.MaxDistances)
        {
            throw new FormatException("distanceDistribution state written under other caps (maxPerClass, maxClasses, maxDistances)");
        }

        var expectedDimensions = sketchDimensions > 0 ? sketchDimensions : inputLength;
        if (inputLength < 0 || inputLength > DistanceDistributionDetector.MaxInputLength || (inputLength > 0 && dimensions != expectedDimensions) || (inputLength == 0 && dimensions != 0))
        {
            throw new FormatException("distanceDistribution state has the wrong dimensions for these options");
        }

        var state = new DistanceDistributionState(options, dimensions)
        {
            InputLength = inputLength,
            QueryCount = reader.NonNegativeLong(),
            LastW = reader.Double(),
            LastPooled = reader.Int(),
        };
        if (!(double.IsNaN(state.LastW) || state.LastW is >= 0 and <= 1) || state.LastPooled < 0 || state.LastPooled > options.MaxDistances)
        {
            throw new FormatException("distanceDistribution state has an out-of-range last test");
        }

        var present = reader.Int();
        if (present < 0 || present > options.MaxClasses)
        {
            throw new FormatException("distanceDistribution state has too many classes");
        }

        var previous = -1;
        for (var k = 0; k < present; k++)
        {
            var id = reader.UShort();
            var count = reader.Int();
            if (id <= previous || id >= options.MaxClasses || count < 1 || count > options.MaxPerClass || dimensions == 0)
            {
                throw new FormatException("distanceDistribution state has a damaged class entry");
            }

            previous = id;
            if ((long)count * dimensions * sizeof(float) > reader.Remaining)
            {
                throw new FormatException("distanceDistribution state is truncated");
            }

            var set = new ClassSet(options.MaxPerClass, dimensions)
            {
                Count = count,
                Threshold = reader.FiniteNonNegative(),
                DistanceCount = reader.Int(),
                Sum = reader.FiniteNonNegative(),
                SumOfSquares = reader.FiniteNonNegative(),
            };
            if (set.DistanceCount < count)
            {
                throw new FormatException("distanceDistribution state has a damaged class entry");
            }

            for (var i = 0; i < count * dimensions; i++)
            {
                set.Points[i] = reader.FiniteFloat();
            }

            state.Classes[id] = set;
        }

        var ring = reader.Int();
        if (ring < 0 || ring > options.MaxDistances)
        {
            throw new FormatException("distanceDistribution state has too many distances");
        }

        for (var i = 0; i < ring; i++)
        {
            var d = reader.FiniteFloat();
            var label = reader.UShort();
            if (d < 0 || label >= options.MaxClasses)
            {
                throw new FormatException("distanceDistribution state has a damaged distance");
            }

            state.Record(d, label);
        }

        reader.End();
        return state;
    }

    /// <summary>One class's growing set: points (row-major, Count rows used), threshold T_c, and Σd, Σd² over its distance
    /// list (which starts with the 0 of its first point, as the reference code's does).</summary>
    internal sealed class ClassSet(int maxPerClass, int dimensions)
    {
        public float[] Points { get; } = new float[maxPerClass * dimensions];

        public int Count { get; set; }

        public double Threshold { get; set; }

        public int DistanceCount { get; set; }

        public double Sum { get; set; }

        public double SumOfSquares { get; set; }
    }

    private ref struct Writer(Span<byte> span)
    {
        private readonly Span<byte> _span = span;
        private int _at;

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
}
