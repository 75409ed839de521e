namespace NeuralSec.Detectors.Stream;

/// <summary>
/// Knockoff-style natural-data extraction (Orekondy et al., CVPR 2019), per client: the novelty-weighted volume of the client's
/// queries over a sliding window, Σ novelty·(1 + boundaryWeight·[top1 − top2 &lt; marginThreshold]). Knockoff's transfer set is
/// natural and diverse — each query unlike the last (novelty near 1), spread over the classes, and the adaptive policy seeks
/// uncertain answers — so neither PRADA nor near-duplicate matching sees it; what it cannot hide is volume of fresh queries.
/// Retries of the same input (novelty 0) cost nothing. Also gives the client's profile for the alert's evidence. Stateless and
/// thread-safe; the state is per client, buckets × classes in size.
/// </summary>
/// <remarks>Novelty is the caller's: e.g. 1 − shared/S from the near-duplicate index's best match. What this cannot separate:
/// a high-volume benign application sending fresh natural inputs scores like Knockoff's random policy (docs/stream-detectors.md);
/// the threshold is a volume budget per window, sized to the heaviest legitimate client.</remarks>
public sealed class QueryCoverageDetector
{
    private readonly long _widthTicks;

    /// <exception cref="ArgumentException">An option out of range.</exception>
    public QueryCoverageDetector(QueryCoverageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Window <= TimeSpan.Zero || options.Buckets < 1 || options.Window.Ticks / options.Buckets < 1
            || !(options.MarginThreshold is >= 0 and <= 1) || !(options.BoundaryWeight is >= 0 and <= 100) || options.MaxClasses < 2)
        {
            throw new ArgumentException($"queryCoverage options out of range: {options}", nameof(options));
        }

        Options = options;
        _widthTicks = options.Window.Ticks / options.Buckets;
    }

    public QueryCoverageOptions Options { get; }

    public QueryCoverageState NewState() => new(Options.Buckets, _widthTicks);

    /// <param name="state">The client's state, updated in place (one writer per client).</param>
    /// <param name="probabilities">The model's output probabilities for the query (normalised here if they do not sum to 1).</param>
    /// <param name="novelty">In [0, 1]: 1 = nothing like it seen before.</param>
    /// <param name="time">When the query was answered. A time older than the window adds nothing; one a little out of order
    /// goes to its bucket.</param>
    /// <exception cref="ArgumentException">No probabilities, a negative or non-finite one, novelty outside [0, 1], or a state
    /// made under other options.</exception>
    public QueryCoverageResult Observe(QueryCoverageState state, ReadOnlySpan<float> probabilities, double novelty, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Index.Length != Options.Buckets || state.WidthTicks != _widthTicks)
        {
            throw new ArgumentException("a state made by a detector with another window or bucket count", nameof(state));
        }

        if (!(novelty is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(novelty), novelty, "novelty must be in [0, 1]");
        }

        var (top, margin, entropy) = Summarise(probabilities);
        if (state.Classes == 0)
        {
            state.FixClasses(Math.Clamp(probabilities.Length, 2, Options.MaxClasses));
        }

        var bucket = time.UtcTicks / _widthTicks;
        var buckets = Options.Buckets;
        if (bucket > state.Newest)
        {
            state.Newest = bucket;
        }

        if (bucket > state.Newest - buckets)
        {
            var slot = (int)(bucket % buckets);
            if (state.Index[slot] != bucket)
            {
                state.Clear(slot, bucket);
            }

            var boundary = margin < Options.MarginThreshold;
            state.Count[slot]++;
            state.Novelty[slot] += novelty;
            state.Score[slot] += novelty * (1 + (boundary ? Options.BoundaryWeight : 0));
            state.Entropy[slot] += entropy;
            state.Boundary[slot] += boundary ? 1 : 0;
            state.ClassCounts[(slot * state.Classes) + (top % state.Classes)]++;
        }

        return Profile(state);
    }

    /// <exception cref="FormatException">Not a state written under these options, or damaged.</exception>
    public QueryCoverageState ReadState(ReadOnlySpan<byte> data) => QueryCoverageState.Read(data, Options, _widthTicks, 1 + Options.BoundaryWeight);

    private QueryCoverageResult Profile(QueryCoverageState state)
    {
        var classes = state.Classes;
        Span<int> histogram = classes <= 1024 ? stackalloc int[classes] : new int[classes];
        histogram.Clear();
        double score = 0, novelty = 0, entropy = 0;
        int queries = 0, boundary = 0;
        for (var slot = 0; slot < Options.Buckets; slot++)
        {
            var index = state.Index[slot];
            if (index == long.MinValue || index <= state.Newest - Options.Buckets)
            {
                continue;
            }

            queries += state.Count[slot];
            score += state.Score[slot];
            novelty += state.Novelty[slot];
            entropy += state.Entropy[slot];
            boundary += state.Boundary[slot];
            for (var c = 0; c < classes; c++)
            {
                histogram[c] += state.ClassCounts[(slot * classes) + c];
            }
        }

        if (queries == 0)
        {
            return new QueryCoverageResult(0, 0, 0, 0, 0, 0);
        }

        double coverage = 0;
        foreach (var n in histogram)
        {
            if (n > 0)
            {
                var p = n / (double)queries;
                coverage -= p * Math.Log(p);
            }
        }

        return new QueryCoverageResult(score, queries, coverage / Math.Log(classes), entropy / queries, boundary / (double)queries, novelty / queries);
    }

    /// <summary>The top class, top1 − top2 margin and the normalised entropy of one output.</summary>
    private static (int Top, double Margin, double Entropy) Summarise(ReadOnlySpan<float> probabilities)
    {
        if (probabilities.IsEmpty)
        {
            throw new ArgumentException("no probabilities", nameof(probabilities));
        }

        double sum = 0;
        foreach (var p in probabilities)
        {
            if (!(p >= 0) || !float.IsFinite(p))
            {
                throw new ArgumentException("probabilities must be finite and non-negative", nameof(probabilities));
            }

            sum += p;
        }

        if (!(sum > 0))
        {
            throw new ArgumentException("probabilities sum to 0", nameof(probabilities));
        }

        int top = 0;
        double first = -1, second = 0, entropy = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = probabilities[i] / sum;
            if (p > first)
            {
                second = Math.Max(first, 0);
                first = p;
                top = i;
            }
            else if (p > second)
            {
                second = p;
            }

            if (p > 0)
            {
                entropy -= p * Math.Log(p);
            }
        }

        var normalised = probabilities.Length > 1 ? entropy / Math.Log(probabilities.Length) : 0;
        return (top, first - second, Math.Clamp(normalised, 0, 1));
    }
}
