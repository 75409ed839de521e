using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using NeuralSec.Data;
using NeuralSec.Detectors.Stream;

namespace NeuralSec.Detectors.Benchmarks;

/// <summary>The near-duplicate detector on real MNIST digits, per view (the shipped q 80, w 10 for the aligned and
/// upright views; q 50, w 20 on the pixels): a fingerprint, and a match-and-add against an index that starts with the
/// 10,000 fixture digits and fills to its 100,000-entry cap as the benchmark sends them again in turn (so each match
/// scans their earlier copies and every look-alike's postings, up to 64 per hash, as a busy index does). Synthetic images (<see cref="StreamBenchmarks"/>) have no background, and views
/// that standardise digits make them share more window hashes, which is what the index pays for.</summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
[MemoryDiagnoser]
public class DigitIndexBenchmarks
{
    private float[][] _digits = [];
    private QueryFingerprint[] _prints = [];
    private NearDuplicateDetector _detector = null!;
    private NearDuplicateIndex _index = null!;
    private int _n;

    [Params("pixels", "aligned", "upright")]
    public string View { get; set; } = "upright";

    [GlobalSetup]
    public void Setup()
    {
        var data = MnistDataset.Load();
        _digits = [.. Enumerable.Range(0, data.Train.Count).Select(i => data.Train.Image(i).ToArray()), .. Enumerable.Range(0, data.Test.Count).Select(i => data.Test.Image(i).ToArray())];
        var options = View switch
        {
            "pixels" => new NearDuplicateOptions(),
            "aligned" => new NearDuplicateOptions(Quantization: 80, Window: 10, View: FingerprintViewSteps.Aligned, Matches: 10),
            _ => new NearDuplicateOptions(Quantization: 80, Window: 10, View: FingerprintViewSteps.UprightView, Matches: 10),
        };
        _detector = NearDuplicateDetector.Create(options, "benchmark"u8);
        _prints = [.. _digits.Select(d => _detector.Fingerprint(d, 1, 28, 28))];
        _index = new NearDuplicateIndex(100_000, TimeSpan.FromDays(1), new FakeTimeProvider());
        foreach (var print in _prints)
        {
            _index.MatchAndAdd(print, new QueryReference("r", "c", DateTimeOffset.UnixEpoch), _detector.Evidence);
        }
    }

    [Benchmark]
    public QueryFingerprint Fingerprint() => _detector.Fingerprint(_digits[_n++ % _digits.Length], 1, 28, 28);

    [Benchmark]
    public NearDuplicateMatch MatchAndAdd() => _index.MatchAndAdd(_prints[_n++ % _prints.Length], new QueryReference("r", "c", DateTimeOffset.UnixEpoch), _detector.Evidence);
}
