using BenchmarkDotNet.Attributes;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Pipeline;

namespace NeuralSec.Gateway.Benchmarks;

/// <summary>
/// Each of the sidecar's pipeline stages alone, on the production composition (<see cref="SidecarInProcess"/>), for one
/// request: a real MNIST test digit (1×1×28×28 FP32) as the front door decodes it. Before every iteration,
/// <see cref="Contexts"/> fresh request contexts are taken through the stages before <see cref="Stage"/> (not measured);
/// the iteration runs stage <see cref="Stage"/> on each of them once. <see cref="Stage"/> = 0 is the baseline, in the
/// same run: making the request context, which the front door does for every request. <see cref="PipelineBenchmarks"/>
/// runs the whole <see cref="InferencePipeline"/> (with its stage timers, log scope and request metrics) beside it.
/// Two policy folders: the load test's pass-through (validation only) and its defended one (the shipped MNIST policy
/// without rate limit and stream defenses: purification, three detectors cheapest first, output hardening).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10, invocationCount: 1)]
[MemoryDiagnoser]
public class PipelineStageBenchmarks
{
    /// <summary>The stages of the pipeline (<see cref="PipelineStageId"/>).</summary>
    public const int Stages = 11;

    /// <summary>Requests per iteration: enough that the cheapest stage's iteration is well above the timer's grain.</summary>
    public const int Contexts = 500;

    private readonly InferenceContext[] _contexts = new InferenceContext[Contexts];
    private SidecarInProcess _sidecar = null!;
    private InferenceTensor[] _inputs = [];

    [Params("loadtests/policies/passthrough", "loadtests/policies/defended")]
    public string Policies { get; set; } = "loadtests/policies/passthrough";

    /// <summary>0: making the request context (the baseline); 1–11: that stage of the pipeline, in its order.</summary>
    [Params(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)]
    public int Stage { get; set; }

    /// <summary>What row <paramref name="stage"/> measures.</summary>
    public static string StageName(int stage) =>
        stage == 0 ? "request context (baseline)" : PipelineStageNames.Of((PipelineStageId)(stage - 1));

    [GlobalSetup]
    public void Setup()
    {
        _sidecar = SidecarInProcess.StartAsync(Policies).GetAwaiter().GetResult();
        if (_sidecar.Stages.Count != Stages)
        {
            throw new InvalidOperationException($"the pipeline has {_sidecar.Stages.Count} stages; this benchmark expects {Stages}");
        }

        _inputs = BenchmarkRequests.Digit();

        // The digit must go through: a refusal would leave the later stages unmeasured (only alerting runs after one).
        var context = BenchmarkRequests.Context(_inputs);
        RunStagesAsync(context, 0, Stages).AsTask().GetAwaiter().GetResult();
        if (context.Rejection is { } rejection)
        {
            throw new InvalidOperationException($"the benchmark digit was refused under {Policies}: {rejection.ReasonCode}");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _sidecar.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Fresh contexts, each taken through the stages before the one measured.</summary>
    [IterationSetup]
    public void Prepare()
    {
        for (var i = 0; i < Contexts; i++)
        {
            _contexts[i] = BenchmarkRequests.Context(_inputs);
            RunStagesAsync(_contexts[i], 0, Math.Max(Stage - 1, 0)).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Stage <see cref="Stage"/> once on each prepared context (for 0: the contexts made anew). True when the
    /// last request is still answered (so the work is not optimised away).</summary>
    [Benchmark(OperationsPerInvoke = Contexts)]
    public async ValueTask<bool> OneStage()
    {
        if (Stage == 0)
        {
            for (var i = 0; i < Contexts; i++)
            {
                _contexts[i] = BenchmarkRequests.Context(_inputs);
            }

            return _contexts[^1].Rejection is null;
        }

        for (var i = 0; i < Contexts; i++)
        {
            await RunStagesAsync(_contexts[i], Stage - 1, Stage).ConfigureAwait(false);
        }

        return _contexts[^1].Rejection is null;
    }

    /// <summary>Stages [<paramref name="from"/>, <paramref name="to"/>) as <see cref="InferencePipeline.RunAsync"/>
    /// runs them, without its timers, spans and metrics.</summary>
    private async ValueTask RunStagesAsync(InferenceContext context, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var stage = _sidecar.Stages[i];
            if (context.Rejection is not null && !stage.RunsAfterRejection)
            {
                continue;
            }

            var outcome = await stage.ExecuteAsync(context, CancellationToken.None).ConfigureAwait(false);
            if (outcome.IsRejected && context.Rejection is null)
            {
                context.Rejection = outcome.Rejection;
            }
        }
    }
}
