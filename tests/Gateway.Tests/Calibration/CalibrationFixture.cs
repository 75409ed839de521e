using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using NeuralSec.Detectors.Detection;
using NeuralSec.Detectors.Images;
using NeuralSec.Gateway.Backends.OnnxRuntime;
using NeuralSec.Gateway.Calibration;
using NeuralSec.Gateway.Defenses;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.Calibration;

/// <summary>A temp folder with the files a calibration run needs: a benign image set of real MNIST test digits,
/// policies written per test, and the command run in-process with its output captured.</summary>
internal sealed class CalibrationFixture : IDisposable
{
    public const int BenignCount = 200;

    public CalibrationFixture()
    {
        BenignPath = Path.Combine(Folder, "benign.bin.gz");
        using var stream = File.Create(BenignPath);
        ImageSetFormat.Write(stream, Digits(0, BenignCount));
    }

    public string Folder { get; } = Directory.CreateTempSubdirectory("neuralsec-calibrate-").FullName;

    /// <summary>Test digits 0–199 as an NSIMAGE1 (uint8) set: MNIST pixels are k/255, so they survive exactly.</summary>
    public string BenignPath { get; }

    public static ImageBatch Digits(int start, int count)
    {
        var data = new float[count * 784];
        for (var i = 0; i < count; i++)
        {
            TestDigits.Image(start + i).CopyTo(data, i * 784);
        }

        return new ImageBatch(data, count, 1, 28, 28);
    }

    public string Write(string name, string content)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    public static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        using var error = new StringWriter(CultureInfo.InvariantCulture);
        var code = await CalibrateCommand.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Scores images with a detector on the fixture classifier, in the command's batch size, independently
    /// of the command's own plumbing.</summary>
    public static async Task<double[]> ScoreAsync(IDetector detector, ImageBatch images)
    {
        var entry = ModelRepositoryScanner.Scan(RepoPaths.ModelRepository, ["mnist"]).Single();
        using var options = new SessionOptions();
        using var model = OnnxModel.Load("mnist", entry.Versions[^1].Version, entry.Versions[^1].Path, options, new ModelConfig());
        var context = new DetectionContext(new OnnxModelRunner(model), new Random(1));
        var scores = new List<double>();
        for (var start = 0; start < images.Count; start += NeuralSec.Detectors.Detection.DetectorScoring.DefaultChunk)
        {
            var result = await detector.ScoreAsync(images.Slice(start, Math.Min(NeuralSec.Detectors.Detection.DetectorScoring.DefaultChunk, images.Count - start)), context, CancellationToken.None);
            scores.AddRange(result.ImageScores);
        }

        return scores.ToArray();
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
