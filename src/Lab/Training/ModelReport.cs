using NeuralSec.Lab.Nn;

namespace NeuralSec.Lab.Training;

/// <summary>Everything a model card states, gathered while the model is trained and measured.</summary>
internal sealed class ModelReport
{
    public required string Name { get; init; }

    public required string Title { get; init; }

    public required string Purpose { get; init; }

    public required Network Network { get; init; }

    public required string OutputName { get; init; }

    public required string Architecture { get; init; }

    public required string Data { get; init; }

    public required string Training { get; init; }

    public required int Seed { get; init; }

    public TimeSpan TrainTime { get; set; }

    public TimeSpan EvalTime { get; set; }

    /// <summary>Card rows: metric description → formatted value.</summary>
    public List<(string Metric, string Value)> Rows { get; } = [];

    /// <summary>Machine-readable figures (metrics.json) that tests/Lab.Tests re-measures through ONNX Runtime.</summary>
    public SortedDictionary<string, double> Values { get; } = new(StringComparer.Ordinal);

    public List<string> Notes { get; } = [];

    public void Add(string key, string metric, double value, bool percent = true)
    {
        Values[key] = Math.Round(value, 6);
        Rows.Add((metric, percent ? $"{value * 100:F2}%" : $"{value:G5}"));
    }
}
