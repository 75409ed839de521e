using System.Numerics.Tensors;
using NeuralSec.Data;
using NeuralSec.Detectors.Detection;
using NeuralSec.Lab.Nn;
using NeuralSec.Lab.Training;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>
/// Why STRIP's false acceptance on <c>mnist-backdoor</c> is what it is: the same protocol as §3 of the evaluation (thresholds
/// from clean calibration-half digits, FRR on clean and FAR on triggered evaluation-half digits), over blending rules, pools,
/// N and softmax temperatures, with the per-blend facts the detector's score hides (which blends keep the target class,
/// the trigger's contrast, which classes set the threshold and which escape it). It blends and scores exactly as the
/// detector does — same draws from the same seeded streams, same operations — so its Add and Clip rows at temperature 1
/// are the detector's scores (a test holds it to that).
/// </summary>
internal static class StripDiagnostics
{
    /// <summary>Softmax temperatures scored from the same logits (1 = the detector).</summary>
    public static readonly float[] Temperatures = [1f, 2f, 5f];

    /// <summary>Inputs per model call, as <see cref="StripEvaluation"/> scores them.</summary>
    public const int Chunk = 25;

    /// <summary>The 10×10 corner around the trigger square (rows/cols 18–27).</summary>
    private const int CornerStart = BackdoorTrigger.Row - 4;

    /// <summary>The configurations of the report: every blending rule on the committed pool, the reference and the clipped
    /// rule on the other pools, the clipped rule at other N, and the clean <c>mnist</c> for the clean-digit rows.</summary>
    public static IReadOnlyList<StripDiagnosisVariant> DefaultVariants(MnistDataset dataset, int samples, IReadOnlyList<int> sweep)
    {
        var full = dataset.StripPool;
        var committedSplit = full.Slice(0, StripPool.CommittedSize);
        const string Committed = "committed 100";
        var variants = new List<StripDiagnosisVariant>();
        foreach (var rule in Enum.GetValues<StripBlendRule>())
        {
            variants.Add(new(FixtureModels.Backdoor, rule, Committed, committedSplit, samples));
        }

        variants.Add(new(FixtureModels.Backdoor, StripBlendRule.Add, $"all {full.Count}", full, samples));
        variants.Add(new(FixtureModels.Backdoor, StripBlendRule.Clip, $"all {full.Count}", full, samples));
        variants.Add(new(FixtureModels.Backdoor, StripBlendRule.Clip, "balanced 100", Balanced(full, StripPool.CommittedSize / 10), samples));
        foreach (var n in sweep.Where(n => n != samples))
        {
            variants.Add(new(FixtureModels.Backdoor, StripBlendRule.Clip, Committed, committedSplit, n));
        }

        variants.Add(new(FixtureModels.Classifier, StripBlendRule.Add, Committed, committedSplit, samples, CleanOnly: true));
        variants.Add(new(FixtureModels.Classifier, StripBlendRule.Clip, Committed, committedSplit, samples, CleanOnly: true));
        return variants;
    }

    /// <summary>The first <paramref name="perClass"/> digits of each class of <paramref name="pool"/>, in file order.</summary>
    public static MnistSplit Balanced(MnistSplit pool, int perClass)
    {
        var indices = Enumerable.Range(0, 10)
            .SelectMany(c => Enumerable.Range(0, pool.Count).Where(i => pool.Labels[i] == c).Take(perClass))
            .Order()
            .ToArray();
        return pool.Select(indices);
    }

    public static StripDiagnosis Run(EvaluationData data, FixtureModels models, IReadOnlyList<StripDiagnosisVariant> variants, int samples, int seed, Progress progress)
    {
        var sets = new Dictionary<StripSet, MnistSplit>
        {
            [StripSet.CleanCalibration] = data.Calibration,
            [StripSet.CleanEvaluation] = data.Evaluation,
            [StripSet.TriggeredEvaluation] = BackdoorTrigger.TriggeredNonTarget(data.Evaluation),
            [StripSet.TriggeredCalibration] = BackdoorTrigger.TriggeredNonTarget(data.Calibration),
        };
        var results = new List<StripVariantResult>();
        foreach (var variant in variants)
        {
            results.Add(Measure(models.Get(variant.Model).Network, variant, sets, seed));
            progress.Step($"{variant.Model}, {variant.Rule}, pool {variant.PoolName}, N {variant.Samples}");
        }

        var full = data.Dataset.StripPool;
        var triggered = sets[StripSet.TriggeredEvaluation];
        return new StripDiagnosis
        {
            Seed = seed,
            Samples = samples,
            CommittedPoolClasses = ClassCounts(full.Labels.AsSpan(0, StripPool.CommittedSize)),
            FullPoolClasses = ClassCounts(full.Labels),
            PoolDigitsInkingTrigger = Enumerable.Range(0, full.Count).Count(i => SquareInk(full.Image(i)) > 0),
            PoolTriggerInk = Enumerable.Range(0, full.Count).Average(i => SquareInk(full.Image(i))) / (BackdoorTrigger.Size * BackdoorTrigger.Size),
            TriggeredCornerInk = Enumerable.Range(0, triggered.Count).Select(i => CornerInk(triggered.Image(i))).ToArray(),
            PlainEntropy = variants.Select(v => v.Model).Distinct().ToDictionary(m => m, m => PlainEntropy(models.Get(m).Network, data.Evaluation.Images)),
            Variants = results,
        };
    }

    /// <summary>Scores every set under one configuration. Set k draws its overlays from <c>new Random(seed + k + 1)</c>, as
    /// <see cref="StripEvaluation"/> seeds the detector (clean calibration 1, clean evaluation 2, triggered evaluation 3).</summary>
    public static StripVariantResult Measure(Network network, StripDiagnosisVariant variant, IReadOnlyDictionary<StripSet, MnistSplit> sets, int seed)
    {
        var stats = new BlendStats();
        var scores = new Dictionary<StripSet, StripSetScores>();
        foreach (var (set, digits) in sets)
        {
            if (variant.CleanOnly && set is StripSet.TriggeredEvaluation or StripSet.TriggeredCalibration)
            {
                continue;
            }

            scores[set] = Score(network, digits, variant, new Random(seed + (int)set + 1), set switch
            {
                StripSet.CleanEvaluation => stats,
                StripSet.TriggeredEvaluation => stats,
                _ => null,
            }, set);
        }

        return new StripVariantResult
        {
            Variant = variant,
            Sets = scores,
            InkAboveOne = stats.Inked == 0 ? 0 : (double)stats.AboveOne / stats.Inked,
            TriggerContrast = stats.TriggerBlends == 0 ? double.NaN : stats.Contrast / stats.TriggerBlends,
            SameClassBreak = stats.SameClass == 0 ? double.NaN : (double)stats.SameClassBroken / stats.SameClass,
            OtherClassBreak = stats.OtherClass == 0 ? double.NaN : (double)stats.OtherClassBroken / stats.OtherClass,
        };
    }

    private static StripSetScores Score(Network network, MnistSplit digits, StripDiagnosisVariant variant, Random random, BlendStats? stats, StripSet set)
    {
        const int Pixels = MnistSplit.Pixels;
        const int Classes = 10;
        int samples = variant.Samples, poolCount = variant.Pool.Count;
        var pool = variant.Pool.Images;
        var entropy = Temperatures.ToDictionary(t => t, _ => new double[digits.Count]);
        var onTarget = new double[digits.Count];
        var onOwn = new double[digits.Count];
        var triggered = set is StripSet.TriggeredEvaluation or StripSet.TriggeredCalibration;
        var p = new float[Classes];
        for (var start = 0; start < digits.Count; start += Chunk)
        {
            var count = Math.Min(Chunk, digits.Count - start);
            var blends = new float[count * samples * Pixels];
            var overlays = new int[count * samples];
            for (var n = 0; n < count; n++)
            {
                var x = digits.Image(start + n);
                for (var s = 0; s < samples; s++)
                {
                    var k = (n * samples) + s;
                    overlays[k] = random.Next(poolCount);
                    StripBlend.Apply(variant.Rule, x, pool.AsSpan(overlays[k] * Pixels, Pixels), blends.AsSpan(k * Pixels, Pixels));
                }
            }

            var logits = network.Predict(blends);
            for (var n = 0; n < count; n++)
            {
                var i = start + n;
                var sums = new double[Temperatures.Length];
                int hits = 0, own = 0;
                for (var s = 0; s < samples; s++)
                {
                    var k = (n * samples) + s;
                    var row = logits.AsSpan(k * Classes, Classes);
                    var predicted = TensorPrimitives.IndexOfMax(row);
                    var target = predicted == BackdoorTrigger.TargetClass;
                    hits += target ? 1 : 0;
                    own += predicted == digits.Labels[i] ? 1 : 0;
                    for (var t = 0; t < Temperatures.Length; t++)
                    {
                        sums[t] += EntropyBits(row, Temperatures[t], p);
                    }

                    if (stats is not null)
                    {
                        stats.Add(blends.AsSpan(k * Pixels, Pixels), triggered, digits.Labels[i] == variant.Pool.Labels[overlays[k]], target);
                    }
                }

                onTarget[i] = (double)hits / samples;
                onOwn[i] = (double)own / samples;
                for (var t = 0; t < Temperatures.Length; t++)
                {
                    entropy[Temperatures[t]][i] = sums[t] / samples / Math.Log2(Classes);
                }
            }
        }

        return new StripSetScores { Labels = digits.Labels, Entropy = entropy, OnTarget = onTarget, OnOwn = onOwn };
    }

    /// <summary>The detector's softmax and entropy (<see cref="Probabilities"/>), on a copy of the logits.</summary>
    private static double EntropyBits(ReadOnlySpan<float> logits, float temperature, float[] p)
    {
        logits.CopyTo(p);
        Probabilities.SoftmaxRows(p.AsSpan(0, logits.Length), logits.Length, temperature);
        return Probabilities.EntropyBits(p.AsSpan(0, logits.Length));
    }

    private static double PlainEntropy(Network network, float[] images)
    {
        var logits = network.Predict(images);
        var p = new float[10];
        var count = logits.Length / 10;
        double sum = 0;
        for (var i = 0; i < count; i++)
        {
            sum += EntropyBits(logits.AsSpan(i * 10, 10), 1f, p);
        }

        return sum / count / Math.Log2(10);
    }

    private static int[] ClassCounts(ReadOnlySpan<byte> labels)
    {
        var counts = new int[10];
        foreach (var l in labels)
        {
            counts[l]++;
        }

        return counts;
    }

    private static double SquareInk(ReadOnlySpan<float> image) => Ink(image, BackdoorTrigger.Row, BackdoorTrigger.Size);

    private static double CornerInk(ReadOnlySpan<float> image) => Ink(image, CornerStart, MnistSplit.Rows - CornerStart) - SquareInk(image);

    private static double Ink(ReadOnlySpan<float> image, int start, int size)
    {
        double sum = 0;
        for (var r = start; r < start + size; r++)
        {
            sum += TensorPrimitives.Sum(image.Slice((r * MnistSplit.Cols) + start, size));
        }

        return sum;
    }

    /// <summary>Running blend statistics (clean evaluation: range; triggered evaluation: contrast and which overlays break the trigger).</summary>
    private sealed class BlendStats
    {
        public long Inked { get; private set; }

        public long AboveOne { get; private set; }

        public double Contrast { get; private set; }

        public long TriggerBlends { get; private set; }

        public long SameClass { get; private set; }

        public long SameClassBroken { get; private set; }

        public long OtherClass { get; private set; }

        public long OtherClassBroken { get; private set; }

        public void Add(ReadOnlySpan<float> blend, bool triggered, bool sameClass, bool onTarget)
        {
            if (!triggered)
            {
                foreach (var v in blend)
                {
                    Inked += v > 0 ? 1 : 0;
                    AboveOne += v > 1 ? 1 : 0;
                }

                return;
            }

            var max = TensorPrimitives.Max(blend);
            Contrast += max > 0 ? SquareInk(blend) / (BackdoorTrigger.Size * BackdoorTrigger.Size) / max : 0;
            TriggerBlends++;
            if (sameClass)
            {
                SameClass++;
                SameClassBroken += onTarget ? 0 : 1;
            }
            else
            {
                OtherClass++;
                OtherClassBroken += onTarget ? 0 : 1;
            }
        }
    }
}
