namespace NeuralSec.LoadTest.Fuzz;

/// <summary>What a fuzz run found, and whether it passed: no failing answer, no crash, health answered at the end,
/// RSS within its bound at every sample.</summary>
internal sealed record FuzzResult(
    FuzzOptions Options,
    FuzzTarget Target,
    OutcomeTally Tally,
    TimeSpan Elapsed,
    long? IdleRssBytes,
    RssSampler? Rss,
    IReadOnlyList<(string Check, bool Passed, string Answer)> Health,
    string? StoppedBecause)
{
    public bool RssWithinBound => Rss?.PeakBytes is not { } peak || peak <= Options.MaxRssMib * 1024L * 1024;

    public bool Passed => Tally.Failures == 0 && !Target.HasExited && Health.All(h => h.Passed) && RssWithinBound && StoppedBecause is null;
}
