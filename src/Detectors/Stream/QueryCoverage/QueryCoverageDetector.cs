namespace NeuralSec.Detectors.Stream;

/// <summary>Knockoff-style natural-data extraction: novelty-weighted query volume over a sliding window. Stateless and
/// thread-safe; the state is per client.</summary>
public sealed class QueryCoverageDetector
{
    public QueryCoverageDetector(QueryCoverageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    public QueryCoverageOptions Options { get; }

    public QueryCoverageState NewState() => throw new NotImplementedException();

    /// <param name="state">The client's state, updated.</param>
    /// <param name="probabilities">The model's output probabilities for the query.</param>
    /// <param name="novelty">In [0, 1]: 1 = nothing like it seen before.</param>
    /// <param name="time">When the query was answered.</param>
    public QueryCoverageResult Observe(QueryCoverageState state, ReadOnlySpan<float> probabilities, double novelty, DateTimeOffset time) => throw new NotImplementedException();

    /// <exception cref="FormatException">Not a state this detector wrote, or damaged.</exception>
    public QueryCoverageState ReadState(ReadOnlySpan<byte> data) => throw new NotImplementedException();
}
