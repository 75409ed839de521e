namespace NeuralSec.Detectors.Stream;

/// <summary>
/// Escalation per client: turns the input detectors' per-request verdicts into a verdict on the client. Over a sliding
/// window it counts the client's requests the input detectors judged (n) and flagged (k), and scores how surprising k
/// is for a client whose requests are flagged at the base rate p₀ (their calibrated false-positive rate): the Chernoff
/// bound P(X ≥ k) ≤ exp(−n·D(k/n ‖ p₀)) for X ~ Binomial(n, p₀), as −log10, so 10 reads "less than one chance in
/// 10¹⁰". Below <see cref="FlaggedInputsOptions.MinFlagged"/> flagged requests, or at or under the base rate, the
/// score is 0.
/// <para>
/// A random-noise or synthetic (JBDA) client has most of its queries refused one by one — each refusal tells it little
/// and costs it nothing; this sees the pattern: all-noise is flagged after about <c>MinFlagged</c> queries. A benign
/// client at the base rate is not: 12 flagged of 1,200 scores 0, 5 of 150 about 1. The bound is conservative (the true
/// tail is smaller), and the test runs again after every request, so the threshold should sit well above what one
/// test would need.
/// </para>
/// Stateless and thread-safe; the state is per client, 16 bytes a bucket.
/// </summary>
public sealed class FlaggedInputsDetector
{
    private readonly long _widthTicks;

    /// <exception cref="ArgumentException">An option out of range.</exception>
    public FlaggedInputsDetector(FlaggedInputsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Window <= TimeSpan.Zero || options.Buckets < 1 || options.Window.Ticks / options.Buckets < 1
            || !(options.BaseRate is > 0 and < 1) || options.MinFlagged < 1)
        {
            throw new ArgumentException($"flaggedInputs options out of range: {options}", nameof(options));
        }

        Options = options;
        _widthTicks = options.Window.Ticks / options.Buckets;
    }

    public FlaggedInputsOptions Options { get; }

    public FlaggedInputsState NewState() => new(Options.Buckets, _widthTicks);

    /// <summary>Adds one judged request, flagged or not, and scores the window.</summary>
    /// <param name="state">The client's state, updated in place (one writer per client).</param>
    /// <param name="flagged">Whether an input detector flagged the request.</param>
    /// <param name="time">When it was judged; a time older than the window adds nothing.</param>
    /// <exception cref="ArgumentException">A state made under other options.</exception>
    public FlaggedInputsResult Observe(FlaggedInputsState state, bool flagged, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Index.Length != Options.Buckets || state.WidthTicks != _widthTicks)
        {
            throw new ArgumentException("a state made by a detector with another window or bucket count", nameof(state));
        }

        var buckets = Options.Buckets;
        var bucket = time.UtcTicks / _widthTicks;
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

            // Saturating: a count that could overflow stops growing (the score is already as high as it gets).
            if (state.Judged[slot] < int.MaxValue)
            {
                state.Judged[slot]++;
                state.Flagged[slot] += flagged ? 1 : 0;
            }
        }

        long judged = 0, flags = 0;
        for (var slot = 0; slot < buckets; slot++)
        {
            var index = state.Index[slot];
            if (index != long.MinValue && index > state.Newest - buckets)
            {
                judged += state.Judged[slot];
                flags += state.Flagged[slot];
            }
        }

        var n = (int)Math.Min(judged, int.MaxValue);
        var k = (int)Math.Min(flags, n);
        return new FlaggedInputsResult(Score(n, k), n, k);
    }

    /// <summary>−log10 of the Chernoff bound exp(−n·D(k/n ‖ p₀)); 0 below the minimum or at or under the base rate.</summary>
    public double Score(int judged, int flagged)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(judged);
        ArgumentOutOfRangeException.ThrowIfNegative(flagged);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(flagged, judged);
        var p = Options.BaseRate;
        if (flagged < Options.MinFlagged || judged == 0 || flagged <= p * judged)
        {
            return 0;
        }

        var q = flagged / (double)judged;
        var divergence = q * Math.Log(q / p) + (q < 1 ? (1 - q) * Math.Log((1 - q) / (1 - p)) : 0);
        return judged * divergence / Math.Log(10);
    }

    /// <exception cref="FormatException">Not a state written under these options, or damaged.</exception>
    public FlaggedInputsState ReadState(ReadOnlySpan<byte> data) => FlaggedInputsState.Read(data, Options, _widthTicks);
}
