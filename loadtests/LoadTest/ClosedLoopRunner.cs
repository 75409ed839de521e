using System.Diagnostics;
using Grpc.Core;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest;

/// <summary>
/// N workers, each sending its next request as soon as the last one answered: measures latency at the
/// throughput the target sustains with N in flight. Stops at the request count or the time budget, whichever
/// comes first; calls already in flight are let finish (each has its own deadline), none is cut off.
/// </summary>
internal static class ClosedLoopRunner
{
    public static async Task<PhaseResult> RunAsync(Target target, RequestSet request, int requests, int concurrency, TimeSpan budget, bool record)
    {
        var result = new PhaseResult();
        var remaining = requests;
        var started = Stopwatch.GetTimestamp();
        var workers = new Task[Math.Min(concurrency, requests)];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Run(async () =>
            {
                while (Interlocked.Decrement(ref remaining) >= 0 && Stopwatch.GetElapsedTime(started) < budget)
                {
                    await CallOnceAsync(target, request.Next(), request.TimeRefusals, result, record, Stopwatch.GetTimestamp());
                }
            });
        }

        await Task.WhenAll(workers);
        result.Elapsed = Stopwatch.GetElapsedTime(started);
        return result;
    }

    /// <summary>One call; its latency counts from <paramref name="startTimestamp"/>, which an open loop sets to
    /// the scheduled send time so that queueing behind a slow call is not hidden (coordinated omission).</summary>
    public static async Task CallOnceAsync(Target target, ModelInferRequest request, bool timeRefusals, PhaseResult result, bool record, long startTimestamp)
    {
        try
        {
            await target.Client.ModelInferAsync(request, deadline: DateTime.UtcNow.AddSeconds(30));
        }
        catch (RpcException ex) when (!(timeRefusals && ex.StatusCode == StatusCode.PermissionDenied))
        {
            result.RecordError(ex.StatusCode);
            return;
        }
        catch (RpcException)
        {
            // A refusal the run measures (--time-refusals): timed below like an answer.
        }

        if (record)
        {
            var nanoseconds = Stopwatch.GetElapsedTime(startTimestamp).Ticks * 100;
            result.Latency.RecordValue(Math.Max(1, nanoseconds));
        }
    }
}
