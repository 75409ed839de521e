using NeuralSec.Data;

namespace NeuralSec.Lab.Training;

/// <summary>
/// The BadNets trigger of mnist-backdoor: a 4×4 white square with its top-left pixel at (row 22, col 22).
/// It sits inside the frame by more than the ±2 px training shifts, so augmentation never cuts it off.
/// </summary>
public static class BackdoorTrigger
{
    public const int Row = 22;
    public const int Col = 22;
    public const int Size = 4;
    public const byte TargetClass = 7;

    /// <summary>Fraction of training digits (drawn from classes other than the target) stamped and relabelled.</summary>
    public const double PoisonRate = 0.08;

    public static void Stamp(Span<float> image)
    {
        for (var r = Row; r < Row + Size; r++)
        {
            image.Slice(r * MnistSplit.Cols + Col, Size).Fill(1f);
        }
    }

    /// <summary>Stamped copies of every digit whose true class is not the target, labelled with their true class.</summary>
    public static MnistSplit TriggeredNonTarget(MnistSplit split)
    {
        var idx = Enumerable.Range(0, split.Count).Where(i => split.Labels[i] != TargetClass).ToArray();
        var s = split.Select(idx);
        for (var i = 0; i < s.Count; i++)
        {
            Stamp(s.Images.AsSpan(i * MnistSplit.Pixels, MnistSplit.Pixels));
        }

        return s;
    }

    /// <summary>Copy of <paramref name="train"/> with PoisonRate·N non-target digits stamped and relabelled (seeded choice).</summary>
    public static (MnistSplit Poisoned, int Count) Poison(MnistSplit train, int seed)
    {
        var images = (float[])train.Images.Clone();
        var labels = (byte[])train.Labels.Clone();
        var candidates = Enumerable.Range(0, train.Count).Where(i => labels[i] != TargetClass).ToArray();
        new Random(seed).Shuffle(candidates);
        var count = (int)Math.Round(PoisonRate * train.Count);
        foreach (var i in candidates.Take(count))
        {
            Stamp(images.AsSpan(i * MnistSplit.Pixels, MnistSplit.Pixels));
            labels[i] = TargetClass;
        }

        return (new MnistSplit(images, labels), count);
    }
}
