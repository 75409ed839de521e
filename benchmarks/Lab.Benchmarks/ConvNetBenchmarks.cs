using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using NeuralSec.Data;
using NeuralSec.Lab.Nn;
using NeuralSec.Lab.Training;

namespace NeuralSec.Lab.Benchmarks;

/// <summary>
/// Forward and forward+backward of the fixture classifier on a batch of 64 real digits, im2col+SGEMM against
/// direct nested-loop convolution (both parallelised the same way across the batch, so the difference is the
/// algorithm). Times are per image (OperationsPerInvoke = batch): images/s = 1 / mean.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
public class ConvNetBenchmarks
{
    private const int Batch = 64;
    private Network _fast = null!;
    private Network _naive = null!;
    private Tensor _x = null!;
    private Tensor _grad = null!;

    [GlobalSetup]
    public void Setup()
    {
        _fast = Architectures.Classifier(1);
        _naive = Architectures.Classifier(1);
        _naive.ConvAlgorithm = ConvAlgorithm.Naive;
        var images = MnistDataset.Load().Test.Images.AsSpan(0, Batch * MnistSplit.Pixels).ToArray();
        _x = new Tensor([Batch, 1, 28, 28], images);
        var logits = _fast.Forward(_x);
        _grad = new Tensor(logits.Shape);
        Losses.SoftmaxCrossEntropy(logits, new byte[Batch], null, 1f, _grad);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    [BenchmarkCategory("Forward")]
    public Tensor ForwardNaive() => _naive.Forward(_x);

    [Benchmark(OperationsPerInvoke = Batch)]
    [BenchmarkCategory("Forward")]
    public Tensor ForwardIm2ColGemm() => _fast.Forward(_x);

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    [BenchmarkCategory("ForwardBackward")]
    public Tensor ForwardBackwardNaive()
    {
        _naive.Forward(_x);
        return _naive.Backward(_grad);
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    [BenchmarkCategory("ForwardBackward")]
    public Tensor ForwardBackwardIm2ColGemm()
    {
        _fast.Forward(_x);
        return _fast.Backward(_grad);
    }
}
