using BenchmarkDotNet.Attributes;
using NeuralSec.Detectors.Tensors;

namespace NeuralSec.Gateway.Benchmarks;

/// <summary>The whole <see cref="Pipeline.InferencePipeline"/> (stage timers, log scope, request metrics) on the same
/// request and policy folders as <see cref="PipelineStageBenchmarks"/>: its last row plus what the pipeline adds.</summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    private SidecarInProcess _sidecar = null!;
    private InferenceTensor[] _inputs = [];

    [Params("loadtests/policies/passthrough", "loadtests/policies/defended")]
    public string Policies { get; set; } = "loadtests/policies/passthrough";

    [GlobalSetup]
    public void Setup()
    {
        _sidecar = SidecarInProcess.StartAsync(Policies).GetAwaiter().GetResult();
        _inputs = BenchmarkRequests.Digit();
    }

    [GlobalCleanup]
    public void Cleanup() => _sidecar.DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>True when the request was answered.</summary>
    [Benchmark]
    public async ValueTask<bool> Pipeline()
    {
        var context = BenchmarkRequests.Context(_inputs);
        await _sidecar.Pipeline.RunAsync(context, CancellationToken.None).ConfigureAwait(false);
        return context.Rejection is null;
    }
}
