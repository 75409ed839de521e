using System.Diagnostics;

namespace NeuralSec.LoadTest;

/// <summary>
/// Runs every target in one process, alternating them in rounds in mirrored order (A B C, C B A, …: ABBA for
/// two) so that machine noise, thermal drift and GC state fall on all paths alike, at one load level. The level's
/// time budget is shared out as it goes: a tenth to the warm-up, then each phase gets an equal slice of what is left.
/// </summary>
internal sealed class AlternatingRun
{
    private readonly LoadTestOptions options;
    private readonly RequestSet request;

    public AlternatingRun(LoadTestOptions options, RequestSet request)
    {
        this.options = options;
        this.request = request;
    }

    /// <summary>Measures each target at <paramref name="level"/> within <paramref name="budget"/> (warm-up
    /// included); the results come back in the targets' order. <paramref name="warmedUp"/>, when given, runs between
    /// the warm-up and the first measured round.</summary>
    public async Task<PhaseResult[]> RunAsync(IReadOnlyList<Target> targets, LoadLevel level, TimeSpan budget, Func<Task>? warmedUp = null)
    {
        var started = Stopwatch.GetTimestamp();
        var warmupBudget = budget / 10;
        var label = options.Rate > 0 ? "open loop" : level.Label;
        foreach (var target in targets)
        {
            await Console.Error.WriteLineAsync($"{label} warm-up {target.Name}: {options.Warmup} requests");
            await RunPhaseAsync(target, level, options.Warmup, warmupBudget / targets.Count, record: false);
        }

        if (warmedUp is not null)
        {
            await warmedUp();
        }

        var totals = targets.Select(_ => new PhaseResult()).ToArray();
        var phases = options.Rounds * targets.Count;
        for (var round = 0; round < options.Rounds; round++)
        {
            var perPhase = level.Requests / options.Rounds + (round == options.Rounds - 1 ? level.Requests % options.Rounds : 0);
            var order = round % 2 == 0 ? targets : targets.Reverse().ToArray();
            foreach (var target in order)
            {
                var left = budget - Stopwatch.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                {
                    await Console.Error.WriteLineAsync($"{label}: its share of --max-duration is spent; reporting what was measured");
                    return totals;
                }

                var result = await RunPhaseAsync(target, level, perPhase, left / phases--, record: true);
                await Console.Error.WriteLineAsync($"{label} round {round + 1}/{options.Rounds} {target.Name,-15}: {result.Successes} ok, {result.Failures} failed in {result.Elapsed.TotalSeconds:F1} s");
                totals[IndexOf(targets, target)].Add(result);
            }
        }

        return totals;
    }

    /// <summary>Runs <paramref name="requests"/> unmeasured requests to each target in turn, closed loop at
    /// <paramref name="concurrency"/>, each within its share of <paramref name="budget"/>: the JIT settle before the
    /// first level (<see cref="LoadTestOptions.Settle"/>).</summary>
    public async Task SettleAsync(IReadOnlyList<Target> targets, int concurrency, int requests, TimeSpan budget)
    {
        foreach (var target in targets)
        {
            await Console.Error.WriteLineAsync($"settle {target.Name}: {requests} requests at c={concurrency}");
            await ClosedLoopRunner.RunAsync(target, request, requests, concurrency, budget / targets.Count, record: false);
        }
    }

    private static int IndexOf(IReadOnlyList<Target> targets, Target target)
    {
        for (var i = 0; i < targets.Count; i++)
        {
            if (ReferenceEquals(targets[i], target))
            {
                return i;
            }
        }

        throw new ArgumentException("unknown target", nameof(target));
    }

    private Task<PhaseResult> RunPhaseAsync(Target target, LoadLevel level, int requests, TimeSpan budget, bool record) =>
        requests == 0
            ? Task.FromResult(new PhaseResult())
            : options.Rate > 0
                ? OpenLoopRunner.RunAsync(target, request, requests, options.Rate, budget, record)
                : ClosedLoopRunner.RunAsync(target, request, requests, level.Concurrency, budget, record);
}
