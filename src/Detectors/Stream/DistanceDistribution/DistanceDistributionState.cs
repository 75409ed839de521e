using System.Buffers;

namespace NeuralSec.Detectors.Stream;

/// <summary>
/// One client's PRADA state: per predicted class, the growing set (at most maxPerClass points of the sketch), its threshold
/// and the running sums of its distances; the ring of the most recent d_min values with their classes; the last test. Every
/// part is capped by the detector's options, so a state's size is bounded whatever the stream.
/// </summary>
/// <remarks>
/// A state is whole (made by <see cref="DistanceDistributionDetector.NewState"/> or read from the whole form) or read in parts
/// (<see cref="DistanceDistributionDetector.ReadSharedPart"/>): then it knows the shared scalars, one class's set and — only
/// when the next query tests — the ring, which is all one <see cref="DistanceDistributionDetector.Observe"/> touches, so a
/// shared store moves per query one class's set instead of all of them. A state read in parts keeps the totals of the parts
/// it does not hold (classes present, points held, distances in the ring), so its stored size and its shared part stay
/// exact; it counts what the query changed (<see cref="ClassChanged"/>, <see cref="AppendedDistances"/>) so the store writes
/// back only that. The binary forms are <see cref="DistanceDistributionFormat"/>'s.
/// </remarks>
public sealed class DistanceDistributionState
{
    /// <summary><see cref="KnownClass"/>: every class's set is held (a whole state).</summary>
    internal const int AllClasses = -1;

    /// <summary><see cref="KnownClass"/>: read in parts, no class part read yet.</summary>
    internal const int NoClass = -2;

    /// <summary>Distances in the stored ring that this state does not hold (read in parts, ring not read).</summary>
    private int _unheld;

    internal DistanceDistributionState(DistanceDistributionOptions options, int dimensions)
    {
        Dimensions = dimensions;
        MaxPerClass = options.MaxPerClass;
        MaxClasses = options.MaxClasses;
        RingDistances = new float[options.MaxDistances];
        RingClasses = new ushort[options.MaxDistances];
        Classes = new ClassSet?[options.MaxClasses];
    }

    /// <summary>Estimated bytes held in memory (the growing sets dominate: classes × maxPerClass × dimensions × 4 at most).</summary>
    public int ApproximateBytes => 64 + (RingDistances.Length * 6) + (Classes.Length * 8) + (PresentClasses * (64 + (MaxPerClass * Dimensions * sizeof(float))));

    /// <summary>Bytes of the whole binary form (<see cref="WriteTo"/>), known without holding every part: what a store's byte
    /// cap weighs, whichever form it keeps.</summary>
    public long StoredBytes => DistanceDistributionFormat.WholeBytes(this);

    /// <summary>Queries observed (saturating).</summary>
    public int Queries => (int)Math.Min(QueryCount, int.MaxValue);

    /// <summary>Whether the ring is held in full (false: read in parts without <see cref="DistanceDistributionDetector.ReadRing"/>;
    /// such a state cannot run the test).</summary>
    public bool RingComplete => _unheld == 0;

    /// <summary>Distances recorded since the state was made or read (at most maxDistances: older ones have left the ring);
    /// they are the newest of the ring, <see cref="WriteAppendedDistance"/> writes them.</summary>
    public int AppendedDistances => Math.Min(Appended, RingCount);

    internal long QueryCount { get; set; }

    /// <summary>Sketch dimensions, or the input length when distances are on the raw input; 0 until the first query.</summary>
    internal int Dimensions { get; private set; }

    internal int InputLength { get; set; }

    internal int MaxPerClass { get; }

    internal int MaxClasses { get; }

    internal ClassSet?[] Classes { get; }

    /// <summary>Classes with a growing set, whether held here or not.</summary>
    internal int PresentClasses { get; private set; }

    /// <summary>Points over all growing sets, whether held here or not.</summary>
    internal int StoredPoints { get; private set; }

    /// <summary><see cref="AllClasses"/>, <see cref="NoClass"/>, or the one class whose set (or its absence) was read.</summary>
    internal int KnownClass { get; set; } = AllClasses;

    internal float[] RingDistances { get; }

    internal ushort[] RingClasses { get; }

    internal int RingStart { get; private set; }

    /// <summary>Distances held in <see cref="RingDistances"/> from <see cref="RingStart"/> (all of the ring when
    /// <see cref="RingComplete"/>).</summary>
    internal int RingCount { get; private set; }

    /// <summary>Distances in the ring, held or not: what the shared part stores.</summary>
    internal int RingTotal => Math.Min(RingDistances.Length, _unheld + RingCount);

    /// <summary>Records since made or read, saturating at the ring's capacity.</summary>
    internal int Appended { get; private set; }

    internal double LastW { get; set; } = double.NaN;

    internal int LastPooled { get; set; }

    internal void FixDimensions(int dimensions) => Dimensions = dimensions;

    /// <summary>Starts class <paramref name="label"/>'s growing set with its first point (G_c = {x}, T_c = 0, distance list [0]).</summary>
    internal void AddClass(int label, ReadOnlySpan<float> point)
    {
        var set = new ClassSet(MaxPerClass, Dimensions) { Count = 1, DistanceCount = 1, Changed = true };
        point.CopyTo(set.Points);
        Classes[label] = set;
        PresentClasses++;
        StoredPoints++;
    }

    /// <summary>Adds a point to a growing set with room (the caller updates its threshold and sums).</summary>
    internal void AddPoint(ClassSet set, ReadOnlySpan<float> point)
    {
        point.CopyTo(set.Points.AsSpan(set.Count * Dimensions));
        set.Count++;
        set.Changed = true;
        StoredPoints++;
    }

    /// <summary>Records a query's d_min: the newest distance of the ring, the oldest leaving when it is full.</summary>
    internal void Record(float distance, int label)
    {
        Push(distance, (ushort)label);
        Appended = Math.Min(Appended + 1, RingDistances.Length);
    }

    /// <summary>Holds one distance of the stored ring, oldest first (reading, not recording).</summary>
    internal void Load(float distance, ushort label)
    {
        Push(distance, label);
        _unheld = Math.Max(0, _unheld - 1);
    }

    /// <summary>What a shared part read says of the parts not held: the totals, and that no class and no distance is held yet.</summary>
    internal void SetStoredTotals(int presentClasses, int storedPoints, int ringCount)
    {
        PresentClasses = presentClasses;
        StoredPoints = storedPoints;
        _unheld = ringCount;
        KnownClass = NoClass;
    }

    /// <summary>Writes the whole binary form <see cref="DistanceDistributionDetector.ReadState"/> reads.</summary>
    /// <exception cref="InvalidOperationException">A state read in parts (it does not hold every part).</exception>
    public void WriteTo(IBufferWriter<byte> w)
    {
        ArgumentNullException.ThrowIfNull(w);
        if (KnownClass != AllClasses || !RingComplete)
        {
            throw new InvalidOperationException("a distanceDistribution state read in parts is written in parts");
        }

        DistanceDistributionFormat.WriteWhole(this, w);
    }

    /// <summary>Writes the shared part (<see cref="DistanceDistributionDetector.ReadSharedPart"/>): header, counters, last
    /// test and the totals; constant size.</summary>
    public void WriteSharedPart(IBufferWriter<byte> w)
    {
        ArgumentNullException.ThrowIfNull(w);
        DistanceDistributionFormat.WriteShared(this, w);
    }

    /// <summary>Whether class <paramref name="label"/>'s set was started or grew since the state was made or read: its part
    /// needs writing back.</summary>
    public bool ClassChanged(int label) => (uint)label < (uint)Classes.Length && Classes[label] is { Changed: true };

    /// <summary>Writes class <paramref name="label"/>'s part (<see cref="DistanceDistributionDetector.ReadClassPart"/>).</summary>
    /// <exception cref="InvalidOperationException">The class has no set, or this state does not hold it.</exception>
    public void WriteClassPart(int label, IBufferWriter<byte> w)
    {
        ArgumentNullException.ThrowIfNull(w);
        if ((uint)label >= (uint)Classes.Length || (KnownClass != AllClasses && KnownClass != label) || Classes[label] is not { } set)
        {
            throw new InvalidOperationException($"class {label} has no growing set in this state");
        }

        DistanceDistributionFormat.WriteClass(this, label, set, w);
    }

    /// <summary>Writes the <paramref name="index"/>-th of the <see cref="AppendedDistances"/> newest distances (0: the oldest
    /// of them) as one ring record (<see cref="DistanceDistributionDetector.ReadRing"/>).</summary>
    public void WriteAppendedDistance(int index, IBufferWriter<byte> w)
    {
        ArgumentNullException.ThrowIfNull(w);
        var appended = AppendedDistances;
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, appended);
        var at = (RingStart + RingCount - appended + index) % RingDistances.Length;
        DistanceDistributionFormat.WriteRecord(RingDistances[at], RingClasses[at], w);
    }

    private void Push(float distance, ushort label)
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
        RingClasses[at] = label;
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

        /// <summary>Started or grown since made or read (never cleared: a state is read afresh for each update).</summary>
        public bool Changed { get; set; }
    }
}
