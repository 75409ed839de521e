using System.Diagnostics;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest;

/// <summary>
/// Runs both targets in one process, alternating them in rounds in ABBA order (direct, sidecar, sidecar,
/// direct, …) so that machine noise, thermal drift and GC state fall on both paths alike. The time budget is
/// shared out as the run goes: each phase gets an equal slice of what is left.
/// </summary>
internal sealed class AlternatingRun
{
    private readonly LoadTestOptions options;
    private readonly ModelInferRequest request;

    public AlternatingRun(LoadTestOptions options, ModelInferRequest request)
    {
        this.options = options;
        this.request = request;
    }

    public async Task<(PhaseResult Direct, PhaseResult Sidecar)> RunAsync(Target direct, Target sidecar)
    {
        var started = Stopwatch.GetTimestamp();
        var warmupBudget = options.MaxDuration / 10;
        foreach (var target in new[] { direct, sidecar })
        {
            await Console.Error.WriteLineAsync($"warm-up {target.Name}: {options.Warmup} requests");
            await RunPhaseAsync(target, options.Warmup, warmupBudget / 2, record: false);
        }

        var totals = (Direct: new PhaseResult(), Sidecar: new PhaseResult());
        var phases = options.Rounds * 2;
        for (var round = 0; round < options.Rounds; round++)
        {
            var perPhase = options.Requests / options.Rounds + (round == options.Rounds - 1 ? options.Requests % options.Rounds : 0);
            var order = round % 2 == 0 ? new[] { direct, sidecar } : [sidecar, direct];
            foreach (var target in order)
            {
                var left = options.MaxDuration - Stopwatch.GetElapsedTime(started);
                if (left <= TimeSpan.Zero)
                {
                    await Console.Error.WriteLineAsync("max duration reached; reporting what was measured");
                    return totals;
                }

                var budget = left / phases--;
                var result = await RunPhaseAsync(target, perPhase, budget, record: true);
                await Console.Error.WriteLineAsync($"round {round + 1}/{options.Rounds} {target.Name,-7}: {result.Successes} ok, {result.Failures} failed in {result.Elapsed.TotalSeconds:F1} s");
                (target == direct ? totals.Direct : totals.Sidecar).Add(result);
            }
        }

        return totals;
    }

    private Task<PhaseResult> RunPhaseAsync(Target target, int requests, TimeSpan budget, bool record) =>
        requests == 0
            ? Task.FromResult(new PhaseResult())
            : options.Rate > 0
                ? OpenLoopRunner.RunAsync(target, request, requests, options.Rate, budget, record)
                : ClosedLoopRunner.RunAsync(target, request, requests, options.Concurrency, budget, record);
}
