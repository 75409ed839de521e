using BenchmarkDotNet.Attributes;
using NeuralSec.Detectors.Calibration;
using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Benchmarks;

/// <summary>One detector scoring one image per invocation against a free fake model (see <see cref="FakeModelRunner"/>).</summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
[MemoryDiagnoser]
public abstract class DetectorBenchmark
{
    private ImageBatch input = null!;
    private IDetector detector = null!;
    private DetectionContext context = null!;

    [Params(BenchmarkImages.Mnist, BenchmarkImages.ImageNet)]
    public string Shape { get; set; } = BenchmarkImages.Mnist;

    protected abstract string Type { get; }

    protected ImageBatch Input => input;

    [GlobalSetup]
    public void Setup()
    {
        input = BenchmarkImages.Create(Shape);
        var pool = new ImageBatch(Enumerable.Range(0, 8).SelectMany(_ => input.Span.ToArray()).ToArray(), 8, input.Channels, input.Height, input.Width);
        detector = DefenseFactory.CreateDetector(Type, Options(), new DefenseResources { LoadImages = _ => pool });
        var autoencoder = new FakeModelRunner(echo: true);
        context = new DetectionContext(new FakeModelRunner(echo: false), new Random(1), _ => autoencoder);
    }

    [Benchmark]
    public ValueTask<DetectorResult> Score() => detector.ScoreAsync(input, context, CancellationToken.None);

    protected virtual IReadOnlyDictionary<string, object> Options() => new Dictionary<string, object>();
}

public class FeatureSqueezingBenchmarks : DetectorBenchmark
{
    protected override string Type => "featureSqueezing";
}

public class ReconstructionErrorBenchmarks : DetectorBenchmark
{
    protected override string Type => "reconstructionError";

    protected override IReadOnlyDictionary<string, object> Options() => new Dictionary<string, object> { ["autoencoder"] = "ae" };
}

public class StripBenchmarks : DetectorBenchmark
{
    protected override string Type => "strip";

    protected override IReadOnlyDictionary<string, object> Options() => new Dictionary<string, object> { ["pool"] = "pool" };
}

public class StatisticsBenchmarks : DetectorBenchmark
{
    protected override string Type => "statistics";

    protected override IReadOnlyDictionary<string, object> Options() =>
        StatisticsBaseline.Fit(Input.WithData(Enumerable.Range(0, 2).SelectMany(_ => Input.Span.ToArray()).Select((v, i) => v * (0.9f + (0.1f * (i % 2)))).ToArray(), 2)).ToOptions();
}
