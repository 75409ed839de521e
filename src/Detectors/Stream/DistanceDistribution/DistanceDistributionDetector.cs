using System.Buffers;
using System.Numerics.Tensors;

namespace NeuralSec.Detectors.Stream;

/// <summary>
/// PRADA (Juuti et al., EuroS&amp;P 2019; reference code SSGAalto/prada-…, growing_set.py): per client and predicted class, a
/// growing set of reference queries; each new query's distance d_min to its class's set is recorded, and the query joins the
/// set when d_min exceeds the class threshold T_c, which then becomes max(T_c, mean − std) of the set's distances (never
/// decreasing). Every <c>evaluateEvery</c> queries, the recorded distances of classes with at least <c>minPerClass</c> of them
/// are pooled, values beyond 3σ of the pooled mean dropped, and — when more than <c>minDistances</c> remain — the Shapiro–Wilk
/// W of the pool is the score: natural queries give near-normal distances, synthetic ones (JBDA's small steps from seeds,
/// noise) do not. Stateless and thread-safe; the state is per client and bounded by the options, and can be stored whole or
/// in parts (<see cref="ReadSharedPart"/>): a query needs only its class's set, and the ring only when it tests.
/// </summary>
/// <remarks>Bounds the reference code lacks: distances are taken on a seeded Gaussian projection to <c>sketchDimensions</c>
/// (0: the raw input), a class's set stops growing at <c>maxPerClass</c> (d_min is still recorded), the pool holds the most
/// recent <c>maxDistances</c>, and class ids fold modulo <c>maxClasses</c>. Between tests the last W is returned (PRADA's alarm
/// is sticky until the next test). With <c>minDistance</c> &gt; 0 a query closer than that to its class's set is a
/// near-repeat and is not recorded — a benign client re-sending the same picture with sensor noise otherwise adds a mode
/// of near-zero distances that no natural stream has, and is flagged.</remarks>
public sealed class DistanceDistributionDetector
{
    /// <summary>Longest input accepted (a 224×224×3 image is 150,528 values).</summary>
    public const int MaxInputLength = 1 << 20;

    private readonly GaussianSketch? _sketch;

    /// <exception cref="ArgumentException">An option out of range.</exception>
    public DistanceDistributionDetector(DistanceDistributionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.SketchDimensions < 0 || options.MaxPerClass < 1 || options.MaxClasses is < 1 or > ushort.MaxValue
            || options.MaxDistances is < ShapiroWilk.MinimumCount or > ShapiroWilk.MaximumCount
            || options.MinDistances < ShapiroWilk.MinimumCount - 1 || options.MinDistances >= options.MaxDistances
            || options.EvaluateEvery < 1 || options.MinPerClass < 1 || !(options.MinDistance >= 0) || double.IsInfinity(options.MinDistance))
        {
            throw new ArgumentException($"distanceDistribution options out of range: {options}", nameof(options));
        }

        Options = options;
        _sketch = options.SketchDimensions > 0 ? new GaussianSketch(options.SketchDimensions) : null;
    }

    public DistanceDistributionOptions Options { get; }

    public DistanceDistributionState NewState() => new(Options, 0);

    /// <summary>Records one answered query of the client and, every <c>evaluateEvery</c> queries, tests the distances.</summary>
    /// <param name="state">The client's state, updated in place (not thread-safe: one writer per client).</param>
    /// <param name="unitPixels">The query as the model saw it, flattened.</param>
    /// <param name="predictedClass">The model's argmax; ids fold modulo maxClasses.</param>
    /// <exception cref="ArgumentException">An empty or over-long input, one of another length than the client's earlier
    /// queries, a state made under other caps, or a state read in parts that lacks what this query needs: the predicted
    /// class's part (<see cref="ReadClassPart"/>) or, when this query tests (<see cref="TestsNext"/>), the ring
    /// (<see cref="ReadRing"/>).</exception>
    public DistanceDistributionResult Observe(DistanceDistributionState state, ReadOnlySpan<float> unitPixels, int predictedClass)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (unitPixels.Length is 0 or > MaxInputLength)
        {
            throw new ArgumentException($"input of {unitPixels.Length} values (1 to {MaxInputLength})", nameof(unitPixels));
        }

        CheckCaps(state);
        var label = ClassOf(predictedClass);
        if (state.KnownClass != DistanceDistributionState.AllClasses && state.KnownClass != label)
        {
            throw new ArgumentException($"a state read in parts without class {label}'s part", nameof(state));
        }

        if (TestsNext(state) && !state.RingComplete)
        {
            throw new ArgumentException("a state read in parts without its ring, on a query that tests", nameof(state));
        }

        if (state.InputLength == 0)
        {
            state.InputLength = unitPixels.Length;
            state.FixDimensions(_sketch?.Dimensions ?? unitPixels.Length);
        }
        else if (state.InputLength != unitPixels.Length)
        {
            throw new ArgumentException($"input of {unitPixels.Length} values after {state.InputLength}-value queries", nameof(unitPixels));
        }

        var dimensions = state.Dimensions;
        var pool = _sketch is null ? null : ArrayPool<float>.Shared.Rent(dimensions);
        try
        {
            ReadOnlySpan<float> point = unitPixels;
            if (_sketch is not null)
            {
                _sketch.Project(unitPixels, pool.AsSpan(0, dimensions));
                point = pool.AsSpan(0, dimensions);
            }

            Grow(state, label, point);
        }
        finally
        {
            if (pool is not null)
            {
                ArrayPool<float>.Shared.Return(pool);
            }
        }

        state.QueryCount++;
        if (state.QueryCount % Options.EvaluateEvery != 0)
        {
            return new DistanceDistributionResult(false, state.LastW, state.LastPooled);
        }

        var (w, pooled) = Test(state);
        if (double.IsNaN(w))
        {
            return new DistanceDistributionResult(false, state.LastW, state.LastPooled);
        }

        state.LastW = w;
        state.LastPooled = pooled;
        return new DistanceDistributionResult(true, w, pooled);
    }

    /// <summary>The class a prediction's state lives under (ids fold modulo maxClasses): the class part
    /// <see cref="Observe"/> needs for it.</summary>
    public int ClassOf(int predictedClass) => (int)((uint)predictedClass % (uint)Options.MaxClasses);

    /// <summary>Whether the next <see cref="Observe"/> on <paramref name="state"/> runs the test, and so needs the ring.</summary>
    public bool TestsNext(DistanceDistributionState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return (state.QueryCount + 1) % Options.EvaluateEvery == 0;
    }

    /// <summary>Reads the whole form (<see cref="DistanceDistributionState.WriteTo"/>).</summary>
    /// <exception cref="FormatException">Not a state written under these options, or damaged.</exception>
    public DistanceDistributionState ReadState(ReadOnlySpan<byte> data) => DistanceDistributionFormat.ReadWhole(data, Options, Options.SketchDimensions);

    /// <summary>Reads a shared part (<see cref="DistanceDistributionState.WriteSharedPart"/>) into a state read in parts; before
    /// it is observed it needs the predicted class's part (<see cref="ReadClassPart"/>) and, when the query tests, the ring.</summary>
    /// <exception cref="FormatException">Not a shared part written under these options, or damaged.</exception>
    public DistanceDistributionState ReadSharedPart(ReadOnlySpan<byte> data) => DistanceDistributionFormat.ReadShared(data, Options, Options.SketchDimensions);

    /// <summary>Reads class <paramref name="label"/>'s part (<see cref="DistanceDistributionState.WriteClassPart"/>) into a state
    /// just read from its shared part; empty <paramref name="data"/>: the class has no set yet.</summary>
    /// <exception cref="FormatException">Not that class's part, not one fitting the shared part, or damaged.</exception>
    /// <exception cref="InvalidOperationException">The state is not one just read from its shared part.</exception>
    public void ReadClassPart(DistanceDistributionState state, int label, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfNegative(label);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(label, Options.MaxClasses);
        CheckCaps(state);
        if (state.KnownClass != DistanceDistributionState.NoClass)
        {
            throw new InvalidOperationException("a class part is read once, into a state just read from its shared part");
        }

        DistanceDistributionFormat.ReadClass(state, label, data);
    }

    /// <summary>Reads the ring's records (<see cref="DistanceDistributionState.WriteAppendedDistance"/>, oldest first) into a
    /// state just read from its shared part: as many as the shared part says.</summary>
    /// <exception cref="FormatException">Another number of records than the shared part says, or a damaged one.</exception>
    /// <exception cref="InvalidOperationException">The state holds distances already (whole, observed, or read twice).</exception>
    public void ReadRing(DistanceDistributionState state, IReadOnlyList<ReadOnlyMemory<byte>> records)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(records);
        CheckCaps(state);
        if (state.RingCount != 0 || state.KnownClass == DistanceDistributionState.AllClasses)
        {
            throw new InvalidOperationException("a ring is read once, into a state just read from its shared part");
        }

        DistanceDistributionFormat.ReadRing(state, records);
    }

    private void CheckCaps(DistanceDistributionState state)
    {
        if (state.MaxPerClass != Options.MaxPerClass || state.MaxClasses != Options.MaxClasses || state.RingDistances.Length != Options.MaxDistances)
        {
            throw new ArgumentException("a state made by a detector with other caps", nameof(state));
        }
    }

    private void Grow(DistanceDistributionState state, int label, ReadOnlySpan<float> point)
    {
        var dimensions = state.Dimensions;
        if (state.Classes[label] is not { } set)
        {
            // First query of the class: G_c = {x}, T_c = 0, distance list [0]; no distance recorded.
            state.AddClass(label, point);
            return;
        }

        var nearest = double.PositiveInfinity;
        for (var i = 0; i < set.Count; i++)
        {
            nearest = Math.Min(nearest, TensorPrimitives.Distance(set.Points.AsSpan(i * dimensions, dimensions), point));
        }

        if (nearest < Options.MinDistance)
        {
            // A near-repeat (the same picture again, with noise): like an exact repeat, nothing new to record.
            return;
        }

        state.Record((float)nearest, label);
        if (nearest > set.Threshold && set.Count < Options.MaxPerClass)
        {
            state.AddPoint(set, point);
            set.DistanceCount++;
            set.Sum += nearest;
            set.SumOfSquares += nearest * nearest;
            var mean = set.Sum / set.DistanceCount;
            var std = Math.Sqrt(Math.Max(0, (set.SumOfSquares / set.DistanceCount) - (mean * mean)));
            set.Threshold = Math.Max(set.Threshold, mean - std);
        }
    }

    private (double W, int Pooled) Test(DistanceDistributionState state)
    {
        var count = state.RingCount;
        Span<int> perClass = Options.MaxClasses <= 1024 ? stackalloc int[Options.MaxClasses] : new int[Options.MaxClasses];
        perClass.Clear();
        for (var i = 0; i < count; i++)
        {
            perClass[state.RingClasses[(state.RingStart + i) % state.RingDistances.Length]]++;
        }

        var pool = ArrayPool<double>.Shared.Rent(count);
        try
        {
            var n = 0;
            double sum = 0, sumOfSquares = 0;
            for (var i = 0; i < count; i++)
            {
                var at = (state.RingStart + i) % state.RingDistances.Length;
                if (perClass[state.RingClasses[at]] >= Options.MinPerClass)
                {
                    double d = state.RingDistances[at];
                    pool[n++] = d;
                    sum += d;
                    sumOfSquares += d * d;
                }
            }

            if (n == 0)
            {
                return (double.NaN, 0);
            }

            // Drop outliers beyond 3σ of the pooled mean (the reference keeps |d − mean| < 3·std).
            var mean = sum / n;
            var std = Math.Sqrt(Math.Max(0, (sumOfSquares / n) - (mean * mean)));
            var kept = 0;
            for (var i = 0; i < n; i++)
            {
                if (std == 0 || Math.Abs(pool[i] - mean) < 3 * std)
                {
                    pool[kept++] = pool[i];
                }
            }

            return kept > Options.MinDistances ? (ShapiroWilk.W(pool.AsSpan(0, kept)), kept) : (double.NaN, kept);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(pool);
        }
    }
}
