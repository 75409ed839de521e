using System.Diagnostics;

namespace NeuralSec.RedTeam.Stream;

/// <summary>The run's wall-clock bound (<c>--max-duration</c>): loops check <see cref="Expired"/> and stop early, and
/// a result cut short says so; the token cancels outstanding calls a little after the bound.</summary>
internal sealed class RunClock : IDisposable
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly CancellationTokenSource _hard;

    public RunClock(TimeSpan limit)
    {
        Limit = limit;
        _hard = new CancellationTokenSource(limit + TimeSpan.FromSeconds(30));
    }

    public TimeSpan Limit { get; }

    public TimeSpan Elapsed => _watch.Elapsed;

    public bool Expired => _watch.Elapsed >= Limit;

    public CancellationToken Token => _hard.Token;

    public void Dispose() => _hard.Dispose();
}
