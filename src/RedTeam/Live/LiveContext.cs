using NeuralSec.Data;
using NeuralSec.RedTeam.Evaluation;
using NeuralSec.RedTeam.Models;
using NeuralSec.RedTeam.Stream;

namespace NeuralSec.RedTeam.Live;

/// <summary>What every attack of one <c>attack</c> run shares: its settings, the digits, the attacker's offline copies
/// of the fixtures (the lab's exact-gradient networks), progress lines and the run's wall-clock bound.</summary>
internal sealed class LiveContext
{
    /// <summary>Attack digits come from the test split's second half: the first 1,000 calibrated the shipped thresholds.</summary>
    public const int FirstDigit = 1_000;

    public LiveContext(LiveSettings settings, MnistDataset data, FixtureModels models, Progress progress, RunClock clock)
    {
        Settings = settings;
        Data = data;
        Models = models;
        Progress = progress;
        Clock = clock;
    }

    public LiveSettings Settings { get; }

    public MnistDataset Data { get; }

    public FixtureModels Models { get; }

    public Progress Progress { get; }

    public RunClock Clock { get; }

    public int Seed => Settings.Seed;

    /// <summary>The defended policy as the adaptive attacker reads it; null when no policy file for the model is at hand.</summary>
    public required KnownPolicy? Defended { get; init; }

    /// <summary>Up to <paramref name="count"/> test digits from slice <paramref name="slice"/> (each setting of an
    /// attack its own digits, so that no setting's queries are near-duplicates of another's) that
    /// <paramref name="model"/>'s offline copy classifies correctly: success is measured on those.</summary>
    public MnistSplit Digits(string model, int slice, int count)
    {
        var start = FirstDigit + (slice * count);
        if (start + count > Data.Test.Count)
        {
            start = FirstDigit + ((slice * count) % Math.Max(1, Data.Test.Count - FirstDigit - count));
        }

        var candidates = Data.Test.Slice(start, count);
        var predicted = Classify.Predict(Models.Get(model).Network, candidates.Images);
        return candidates.Select(Enumerable.Range(0, count).Where(i => predicted[i] == candidates.Labels[i]).ToArray());
    }
}
