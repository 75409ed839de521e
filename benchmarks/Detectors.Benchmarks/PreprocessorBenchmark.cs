using BenchmarkDotNet.Attributes;
using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Preprocessing;

namespace NeuralSec.Detectors.Benchmarks;

/// <summary>
/// One preprocessing defense on one image per invocation. The input is restored before each run (the transforms work in
/// place); <see cref="Restore"/> alone is the baseline, so the ratio column shows the defense's own cost over a copy.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
[MemoryDiagnoser]
public abstract class PreprocessorBenchmark
{
    private ImageBatch source = null!;
    private ImageBatch work = null!;
    private IPreprocessor preprocessor = null!;
    private Random random = null!;

    [Params(BenchmarkImages.Mnist, BenchmarkImages.ImageNet)]
    public string Shape { get; set; } = BenchmarkImages.Mnist;

    protected abstract string Type { get; }

    protected virtual IReadOnlyDictionary<string, object> Options => new Dictionary<string, object>();

    [GlobalSetup]
    public void Setup()
    {
        source = BenchmarkImages.Create(Shape);
        work = source.Clone();
        preprocessor = DefenseFactory.CreatePreprocessor(Type, Options);
        random = new Random(1);
    }

    [Benchmark(Baseline = true)]
    public void Restore() => source.Span.CopyTo(work.Span);

    [Benchmark]
    public void Apply()
    {
        source.Span.CopyTo(work.Span);
        preprocessor.Apply(work, random);
    }
}

public class BitDepthBenchmarks : PreprocessorBenchmark
{
    protected override string Type => "bitDepth";
}

public class MedianBenchmarks : PreprocessorBenchmark
{
    [Params(2L, 3L)]
    public long Size { get; set; } = 2;

    protected override string Type => "median";

    protected override IReadOnlyDictionary<string, object> Options => new Dictionary<string, object> { ["size"] = Size };
}

public class GaussianBlurBenchmarks : PreprocessorBenchmark
{
    protected override string Type => "gaussianBlur";
}

public class NonLocalMeansBenchmarks : PreprocessorBenchmark
{
    protected override string Type => "nonLocalMeans";
}

public class JpegBenchmarks : PreprocessorBenchmark
{
    protected override string Type => "jpeg";
}

public class RandomResizePadBenchmarks : PreprocessorBenchmark
{
    protected override string Type => "randomResizePad";
}

public class RandomShiftBenchmarks : PreprocessorBenchmark
{
    protected override string Type => "randomShift";
}

public class GaussianNoiseBenchmarks : PreprocessorBenchmark
{
    protected override string Type => "gaussianNoise";
}
