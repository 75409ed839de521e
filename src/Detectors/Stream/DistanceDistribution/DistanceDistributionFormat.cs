using System.Buffers;

namespace NeuralSec.Detectors.Stream;

/// <summary>
/// The binary forms of <see cref="DistanceDistributionState"/>, version 2, little-endian: a state in parts, so a store shared
/// by replicas moves per query what the query touches — the shared part, the predicted class's part, and the one distance it
/// records — instead of the whole state (≈ 88 KB for MNIST once the sets are full), and the whole form, which is the parts
/// together.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Shared part, <see cref="SharedBytes"/> bytes: "PS", 2; the caps it was written under (dimensions, input length,
/// maxPerClass, maxClasses, maxDistances — a state from other options is refused rather than misread); queries, last W, last
/// pooled count; classes present, points over all sets, distances in the ring.</item>
/// <item>Class part, <see cref="ClassHeaderBytes"/> + 4·count·dimensions bytes: "PC", 2; class id, dimensions, set size,
/// threshold, distance count, sum, sum of squares; the set's points, row-major.</item>
/// <item>Ring record, <see cref="RecordBytes"/> bytes: d (float), class (ushort).</item>
/// <item>Whole form: "PD", 2; the shared part; each present class's part (an int length first), ascending class id; the
/// ring's records, oldest first.</item>
/// </list>
/// Why this split: a class's threshold and sums change exactly when its points do (a query that joins the set) and the test
/// never reads them, so they ride with the points and the shared part is a constant 55 bytes whatever maxClasses; the
/// shared part keeps the totals (classes present, points, distances) instead, which make the whole state's size known
/// without reading every class — what a store's byte cap weighs — and let a read ring be checked for length. The ring is a
/// sequence of records of its own because a query appends at most one and only a test query (one in evaluateEvery) reads
/// it all. Reading checks magic and version, every count against the caps before allocating, every value for range, that a
/// part fits the shared part it is read with (dimensions, class id, totals), and the end; anything else is a
/// <see cref="FormatException"/>. Version 1 (one blob, class scalars beside their points, no totals) is refused like any
/// unknown version: that client starts afresh.
/// </remarks>
internal static class DistanceDistributionFormat
{
    internal const byte Version = 2;

    /// <summary>The shared part's constant size: magic and version, five caps, queries, last W, last pooled, three totals.</summary>
    public const int SharedBytes = 3 + (5 * 4) + 8 + 8 + 4 + (3 * 4);

    /// <summary>A class part's size before its points: magic and version, id, dimensions, count, threshold, distance count,
    /// sum, sum of squares.</summary>
    public const int ClassHeaderBytes = 3 + 2 + 4 + 4 + 8 + 4 + 8 + 8;

    public const int RecordBytes = 4 + 2;

    private const int WholeHeaderBytes = 3;

    public static long ClassBytes(int count, int dimensions) => ClassHeaderBytes + ((long)count * dimensions * sizeof(float));

    public static long WholeBytes(DistanceDistributionState state) =>
        WholeHeaderBytes + SharedBytes + (state.PresentClasses * (4L + ClassHeaderBytes))
        + ((long)state.StoredPoints * state.Dimensions * sizeof(float)) + ((long)state.RingTotal * RecordBytes);

    public static void WriteShared(DistanceDistributionState state, IBufferWriter<byte> output)
    {
        var writer = new StateWriter(output.GetSpan(SharedBytes)[..SharedBytes]);
        Shared(state, ref writer);
        output.Advance(SharedBytes);
    }

    public static void WriteClass(DistanceDistributionState state, int label, DistanceDistributionState.ClassSet set, IBufferWriter<byte> output)
    {
        var size = checked((int)ClassBytes(set.Count, state.Dimensions));
        var writer = new StateWriter(output.GetSpan(size)[..size]);
        Class(state, label, set, ref writer);
        output.Advance(size);
    }

    public static void WriteRecord(float distance, ushort label, IBufferWriter<byte> output)
    {
        var writer = new StateWriter(output.GetSpan(RecordBytes)[..RecordBytes]);
        writer.Float(distance);
        writer.UShort(label);
        output.Advance(RecordBytes);
    }

    public static void WriteWhole(DistanceDistributionState state, IBufferWriter<byte> output)
    {
        var size = checked((int)WholeBytes(state));
        var writer = new StateWriter(output.GetSpan(size)[..size]);
        writer.Byte((byte)'P');
        writer.Byte((byte)'D');
        writer.Byte(Version);
        Shared(state, ref writer);
        for (var c = 0; c < state.Classes.Length; c++)
        {
            if (state.Classes[c] is { } set)
            {
                writer.Int(checked((int)ClassBytes(set.Count, state.Dimensions)));
                Class(state, c, set, ref writer);
            }
        }

        for (var i = 0; i < state.RingCount; i++)
        {
            var at = (state.RingStart + i) % state.RingDistances.Length;
            writer.Float(state.RingDistances[at]);
            writer.UShort(state.RingClasses[at]);
        }

        if (writer.Written != size)
        {
            throw new InvalidOperationException($"distanceDistribution state wrote {writer.Written} bytes, not {size}");
        }

        output.Advance(size);
    }

    /// <summary>A state read in parts from its shared part: no class part and no distance held yet.</summary>
    public static DistanceDistributionState ReadShared(ReadOnlySpan<byte> data, DistanceDistributionOptions options, int sketchDimensions)
    {
        var reader = new StateReader(data);
        var state = Shared(ref reader, options, sketchDimensions);
        reader.End();
        return state;
    }

    /// <summary>Class <paramref name="label"/>'s part into a state just read from its shared part; empty: the class has no
    /// set yet.</summary>
    public static void ReadClass(DistanceDistributionState state, int label, ReadOnlySpan<byte> data)
    {
        if (!data.IsEmpty)
        {
            var set = Class(data, state, out var id);
            if (id != label)
            {
                throw new FormatException($"distanceDistribution class part of class {id} read as class {label}");
            }

            state.Classes[label] = set;
        }

        state.KnownClass = label;
    }

    /// <summary>The ring's records, oldest first, into a state just read from its shared part.</summary>
    public static void ReadRing(DistanceDistributionState state, IReadOnlyList<ReadOnlyMemory<byte>> records)
    {
        if (records.Count != state.RingTotal)
        {
            throw new FormatException($"distanceDistribution ring of {records.Count} distances where its shared part says {state.RingTotal}");
        }

        foreach (var record in records)
        {
            var reader = new StateReader(record.Span);
            Record(ref reader, state);
            reader.End();
        }
    }

    public static DistanceDistributionState ReadWhole(ReadOnlySpan<byte> data, DistanceDistributionOptions options, int sketchDimensions)
    {
        var reader = new StateReader(data);
        Magic(ref reader, 'D');
        var state = Shared(ref reader, options, sketchDimensions);
        var previous = -1;
        var points = 0;
        for (var k = 0; k < state.PresentClasses; k++)
        {
            var length = reader.Int();
            if (length < ClassHeaderBytes || length > ClassBytes(options.MaxPerClass, state.Dimensions))
            {
                throw new FormatException("distanceDistribution state has a damaged class entry");
            }

            var set = Class(reader.Bytes(length), state, out var id);
            if (id <= previous)
            {
                throw new FormatException("distanceDistribution state has a damaged class entry");
            }

            previous = id;
            points += set.Count;
            state.Classes[id] = set;
        }

        if (points != state.StoredPoints)
        {
            throw new FormatException("distanceDistribution state's sets do not add up to its point total");
        }

        for (var i = state.RingTotal; i > 0; i--)
        {
            Record(ref reader, state);
        }

        reader.End();
        state.KnownClass = DistanceDistributionState.AllClasses;
        return state;
    }

    private static void Shared(DistanceDistributionState state, ref StateWriter writer)
    {
        writer.Byte((byte)'P');
        writer.Byte((byte)'S');
        writer.Byte(Version);
        writer.Int(state.Dimensions);
        writer.Int(state.InputLength);
        writer.Int(state.MaxPerClass);
        writer.Int(state.MaxClasses);
        writer.Int(state.RingDistances.Length);
        writer.Long(state.QueryCount);
        writer.Double(state.LastW);
        writer.Int(state.LastPooled);
        writer.Int(state.PresentClasses);
        writer.Int(state.StoredPoints);
        writer.Int(state.RingTotal);
    }

    private static void Class(DistanceDistributionState state, int label, DistanceDistributionState.ClassSet set, ref StateWriter writer)
    {
        writer.Byte((byte)'P');
        writer.Byte((byte)'C');
        writer.Byte(Version);
        writer.UShort((ushort)label);
        writer.Int(state.Dimensions);
        writer.Int(set.Count);
        writer.Double(set.Threshold);
        writer.Int(set.DistanceCount);
        writer.Double(set.Sum);
        writer.Double(set.SumOfSquares);
        foreach (var v in set.Points.AsSpan(0, set.Count * state.Dimensions))
        {
            writer.Float(v);
        }
    }

    private static void Magic(ref StateReader reader, char part)
    {
        if (reader.Byte() != 'P' || reader.Byte() != part)
        {
            throw new FormatException($"not a distanceDistribution state part (no P{part} magic)");
        }

        if (reader.Byte() != Version)
        {
            throw new FormatException("distanceDistribution state of an unknown version");
        }
    }

    private static DistanceDistributionState Shared(ref StateReader reader, DistanceDistributionOptions options, int sketchDimensions)
    {
        Magic(ref reader, 'S');
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
        var points = reader.Int();
        var ring = reader.Int();
        if (present < 0 || present > options.MaxClasses || (dimensions == 0 && present != 0)
            || points < present || points > (long)present * options.MaxPerClass)
        {
            throw new FormatException("distanceDistribution state has damaged class totals");
        }

        // Every recorded distance was taken to an existing set.
        if (ring < 0 || ring > options.MaxDistances || (ring > 0 && present == 0))
        {
            throw new FormatException("distanceDistribution state has too many distances");
        }

        state.SetStoredTotals(present, points, ring);
        return state;
    }

    private static DistanceDistributionState.ClassSet Class(ReadOnlySpan<byte> data, DistanceDistributionState state, out int id)
    {
        var reader = new StateReader(data);
        Magic(ref reader, 'C');
        id = reader.UShort();
        var dimensions = reader.Int();
        var count = reader.Int();
        if (id >= state.MaxClasses || dimensions != state.Dimensions || dimensions == 0 || count < 1 || count > state.MaxPerClass || count > state.StoredPoints)
        {
            throw new FormatException("distanceDistribution state has a damaged class entry");
        }

        if (data.Length != ClassBytes(count, dimensions))
        {
            throw new FormatException("distanceDistribution class part is truncated or overlong");
        }

        var set = new DistanceDistributionState.ClassSet(state.MaxPerClass, dimensions)
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

        reader.End();
        return set;
    }

    private static void Record(ref StateReader reader, DistanceDistributionState state)
    {
        var d = reader.FiniteFloat();
        var label = reader.UShort();
        if (d < 0 || label >= state.MaxClasses)
        {
            throw new FormatException("distanceDistribution state has a damaged distance");
        }

        state.Load(d, label);
    }
}
