using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using NeuralSec.Detectors.Stream;

namespace NeuralSec.Detectors.Benchmarks;

/// <summary>The query-stream detectors' per-query cost, on the hot path after the model answered: a Blacklight fingerprint
/// (on the pixels, the aligned and the upright view), a match-and-add against an index holding 10,000 entries, a PRADA observation on a warm state (sets full), and a
/// coverage observation.</summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
[MemoryDiagnoser]
public class StreamBenchmarks
{
    private float[] _image = [];
    private float[][] _variants = [];
    private NearDuplicateDetector _nearDuplicate = null!;
    private NearDuplicateDetector _aligned = null!;
    private NearDuplicateDetector _upright = null!;
    private (int Channels, int Height, int Width) _geometry;
    private NearDuplicateIndex _index = null!;
    private QueryFingerprint _fingerprint = null!;
    private DistanceDistributionDetector _prada = null!;
    private DistanceDistributionState _pradaState = null!;
    private QueryCoverageDetector _coverage = null!;
    private QueryCoverageState _coverageState = null!;
    private readonly float[] _probabilities = [0.05f, 0.6f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.05f, 0.03f, 0.02f];
    private int _n;

    [Params(BenchmarkImages.Mnist, BenchmarkImages.ImageNet)]
    public string Shape { get; set; } = BenchmarkImages.Mnist;

    [GlobalSetup]
    public void Setup()
    {
        var batch = BenchmarkImages.Create(Shape);
        _image = batch.Span.ToArray();
        _geometry = (batch.Channels, batch.Height, batch.Width);
        var random = new Random(2);
        _variants = Enumerable.Range(0, 64).Select(_ => _image.Select(v => Math.Clamp(v + (float)((random.NextDouble() - 0.5) * 0.4), 0, 1)).ToArray()).ToArray();
        _nearDuplicate = NearDuplicateDetector.Create(new NearDuplicateOptions(), "benchmark"u8);
        // The aligned view (centred, blurred, normalised), q 80, w 10; and the shipped setting, the upright view (also turned
        // and scaled by the ink's moments, bilinear).
        _aligned = NearDuplicateDetector.Create(new NearDuplicateOptions(Quantization: 80, Window: 10, View: FingerprintViewSteps.Aligned, Matches: 10), "benchmark"u8);
        _upright = NearDuplicateDetector.Create(new NearDuplicateOptions(Quantization: 80, Window: 10, View: FingerprintViewSteps.UprightView, Matches: 10), "benchmark"u8);
        _index = new NearDuplicateIndex(10_000, TimeSpan.FromDays(1), new FakeTimeProvider());
        for (var i = 0; i < 10_000; i++)
        {
            _index.MatchAndAdd(_nearDuplicate.Fingerprint(_variants[i % _variants.Length]), new QueryReference("r", "c", DateTimeOffset.UnixEpoch), 5);
        }

        _fingerprint = _nearDuplicate.Fingerprint(_image);
        _prada = new DistanceDistributionDetector(new DistanceDistributionOptions());
        _pradaState = _prada.NewState();
        for (var i = 0; i < 2000; i++)
        {
            _prada.Observe(_pradaState, _variants[i % _variants.Length], i % 10);
        }

        _coverage = new QueryCoverageDetector(new QueryCoverageOptions());
        _coverageState = _coverage.NewState();
    }

    [Benchmark]
    public QueryFingerprint Fingerprint() => _nearDuplicate.Fingerprint(_image);

    [Benchmark]
    public QueryFingerprint AlignedFingerprint() => _aligned.Fingerprint(_image, _geometry.Channels, _geometry.Height, _geometry.Width);

    [Benchmark]
    public QueryFingerprint UprightFingerprint() => _upright.Fingerprint(_image, _geometry.Channels, _geometry.Height, _geometry.Width);

    [Benchmark]
    public NearDuplicateMatch MatchAndAdd() => _index.MatchAndAdd(_fingerprint, new QueryReference("r", "c", DateTimeOffset.UnixEpoch), 5);

    [Benchmark]
    public DistanceDistributionResult PradaObserve() => _prada.Observe(_pradaState, _variants[_n++ % _variants.Length], _n % 10);

    [Benchmark]
    public QueryCoverageResult CoverageObserve() => _coverage.Observe(_coverageState, _probabilities, 0.9, DateTimeOffset.UnixEpoch.AddSeconds(_n++));
}
