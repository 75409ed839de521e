namespace NeuralSec.RedTeam.Poisoning;

/// <summary>
/// How much of each poisoning experiment one run does. <see cref="Full"/> is the measurement the report quotes; <see cref="QuickRun"/>
/// is a smoke run of the same code on subsets (for tests and a first look), whose figures are noisier and not comparable digit for digit.
/// </summary>
internal sealed record PoisoningSettings
{
    public static PoisoningSettings Full { get; } = new()
    {
        IsQuick = false,
        FlipTrainDigits = 8000,
        FlipEpochs = 4,
        CollisionTargets = 10,
        CraftIterations = 300,
        FineTuneDigits = 8000,
        DetectorDigits = 1000,
        StripSamples = 100,
    };

    public static PoisoningSettings QuickRun { get; } = new()
    {
        IsQuick = true,
        FlipTrainDigits = 1500,
        FlipEpochs = 2,
        FlipBatchSize = 16,
        FlipAugmentation = false,
        CollisionTargets = 3,
        CraftIterations = 50,
        FineTuneDigits = 1000,
        FineTuneSweep = [10, 20, 40],
        DetectorDigits = 100,
        StripSamples = 20,
    };

    public required bool IsQuick { get; init; }

    /// <summary>Shares of the training labels replaced by a uniformly drawn wrong label.</summary>
    public IReadOnlyList<double> FlipRates { get; init; } = [0, 0.10, 0.25, 0.40];

    /// <summary>Train-split digits each label-flipping model is trained on (the first this-many).</summary>
    public required int FlipTrainDigits { get; init; }

    public required int FlipEpochs { get; init; }

    /// <summary>Mini-batch size of the label-flipping models (<c>mnist</c>'s recipe: 64).</summary>
    public int FlipBatchSize { get; init; } = 64;

    /// <summary>Augmentation as in <c>mnist</c>'s recipe (rotation, scale, shift); false trains on the digits as they are, which
    /// a short run fits faster.</summary>
    public bool FlipAugmentation { get; init; } = true;

    /// <summary>Test digits of <see cref="FeatureCollisionEvaluation.TargetClass"/> attacked, one victim model per target and setting.</summary>
    public required int CollisionTargets { get; init; }

    /// <summary>Poison counts k; the poisons for k are the first k of the <see cref="MaxPoisons"/> crafted per target.</summary>
    public IReadOnlyList<int> PoisonCounts { get; init; } = [1, 5, 10];

    public int MaxPoisons => PoisonCounts.Max();

    /// <summary>Forward-backward splitting iterations per poison.</summary>
    public required int CraftIterations { get; init; }

    /// <summary>Clean train-split digits the last layer is fine-tuned on, besides the poisons.</summary>
    public required int FineTuneDigits { get; init; }

    /// <summary>Epochs of the victim's last-layer fine-tune: long enough to fit its training set, as a victim retraining a
    /// head does (the attack needs the poisons fitted; <see cref="FineTuneSweep"/> measures how much).</summary>
    public int FineTuneEpochs { get; init; } = 40;

    /// <summary>Fine-tune lengths measured for the first β setting at k = <see cref="MaxPoisons"/>.</summary>
    public IReadOnlyList<int> FineTuneSweep { get; init; } = [10, 20, 40, 80];

    /// <summary>Digits per test half for the runtime detectors: calibration (thresholds) and evaluation (rates).</summary>
    public required int DetectorDigits { get; init; }

    /// <summary>STRIP overlays per input (the shipped policy uses 100).</summary>
    public required int StripSamples { get; init; }

    public static PoisoningSettings For(bool quick) => quick ? QuickRun : Full;
}
