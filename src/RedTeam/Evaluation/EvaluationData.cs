using NeuralSec.Data;
using NeuralSec.Lab;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>
/// The protocol's split of the 2,000-digit test split: thresholds are calibrated on the first half only, every rate is
/// measured on the second half, so no reported figure is scored on the digits its threshold was fitted to.
/// Targets for targeted attacks are drawn once, uniformly from the nine wrong classes, from the run's seed.
/// </summary>
internal sealed class EvaluationData
{
    public const int HalfSize = 1000;

    private EvaluationData(MnistDataset dataset, MnistSplit calibration, MnistSplit evaluation, byte[] targets)
    {
        Dataset = dataset;
        Calibration = calibration;
        Evaluation = evaluation;
        EvaluationTargets = targets;
    }

    public MnistDataset Dataset { get; }

    /// <summary>Test indices 0–999 (or the first <c>count</c>): benign scores for thresholds and the statistics baseline.</summary>
    public MnistSplit Calibration { get; }

    /// <summary>Test indices 1000–1999 (or the first <c>count</c> of them): benign FPR and the attacked digits.</summary>
    public MnistSplit Evaluation { get; }

    public byte[] EvaluationTargets { get; }

    /// <param name="count">Digits used from each half (1000 = the full protocol; smaller only for smoke runs).</param>
    public static EvaluationData Load(string? dataPath, int count, int seed)
    {
        MnistDataset ds;
        try
        {
            ds = MnistDataset.Load(dataPath);
        }
        catch (Exception e) when (e is FileNotFoundException or InvalidDataException)
        {
            throw new RedTeamException(e.Message, e);
        }

        return From(ds, count, seed);
    }

    /// <summary>The protocol's halves of an already loaded <paramref name="ds"/>.</summary>
    /// <param name="count">Digits used from each half (1000 = the full protocol; smaller only for smoke runs).</param>
    public static EvaluationData From(MnistDataset ds, int count, int seed)
    {
        if (ds.Test.Count != 2 * HalfSize)
        {
            throw new RedTeamException($"the protocol needs the fixture's 2,000-digit test split; this dataset has {ds.Test.Count} test digits");
        }

        var rng = new Random(seed);
        var evaluation = ds.Test.Slice(HalfSize, count);
        var targets = evaluation.Labels.Select(y => (byte)((y + 1 + rng.Next(9)) % 10)).ToArray();
        return new EvaluationData(ds, ds.Test.Slice(0, count), evaluation, targets);
    }
}
