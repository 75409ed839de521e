using BenchmarkDotNet.Attributes;
using NeuralSec.Lab.Nn;

namespace NeuralSec.Lab.Benchmarks;

/// <summary>The conv2 product of the classifier (W[32,400] × col[400,64]) — the hottest GEMM in training.</summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class GemmBenchmarks
{
    private const int M = 32;
    private const int K = 400;
    private const int N = 64;
    private readonly float[] _a = new float[M * K];
    private readonly float[] _b = new float[K * N];
    private readonly float[] _c = new float[M * N];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        for (var i = 0; i < _a.Length; i++)
        {
            _a[i] = (float)rng.NextDouble();
        }

        for (var i = 0; i < _b.Length; i++)
        {
            _b[i] = (float)rng.NextDouble();
        }
    }

    [Benchmark(Baseline = true)]
    public void Naive() => Gemm.MultiplyNaive(_a, _b, _c, M, K, N, accumulate: false);

    [Benchmark]
    public void Blocked() => Gemm.Multiply(_a, _b, _c, M, K, N, accumulate: false);
}
