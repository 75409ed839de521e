using System.Diagnostics;
using NeuralSec.Data;
using NeuralSec.RedTeam.Evaluation;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Poisoning;

/// <summary>
/// The red team's offline poisoning section. Poisoning happens before serving, so it is measured with the lab instead of the
/// sidecar: label flipping (models trained by the lab on flipped labels), clean-label feature collision (poisons crafted on
/// <c>mnist</c>'s features, the last layer fine-tuned on them), and BadNets (the committed twin <c>mnist-backdoor</c>); then
/// what the runtime detectors, scored in-process exactly as the sidecar scores them, can see of each at inference.
/// </summary>
internal static class PoisoningEvaluation
{
    public static PoisoningResults Run(MnistDataset data, FixtureModels models, bool quick, int seed, Progress progress)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(progress);
        var settings = PoisoningSettings.For(quick);
        var halves = EvaluationData.From(data, settings.DetectorDigits, seed);
        var timings = new List<PoisoningTiming>();
        T Timed<T>(string part, Func<T> measure)
        {
            var clock = Stopwatch.StartNew();
            var result = measure();
            timings.Add(new PoisoningTiming(part, clock.Elapsed.TotalSeconds));
            return result;
        }

        var flipping = Timed("label flipping", () => LabelFlipping.Run(data, settings, seed, progress));
        var (collision, victims) = Timed("feature collision", () => FeatureCollisionEvaluation.Run(halves, models, settings, seed, progress));
        var backdoor = Timed("BadNets and the runtime detectors", () => BackdoorEvaluation.RunAsync(halves, models, settings, seed, progress, CancellationToken.None).GetAwaiter().GetResult());
        var collisionDetection = Timed("runtime detectors on the feature-collision targets", () => CollisionDetection.RunAsync(halves, models, victims, settings, seed, progress, CancellationToken.None).GetAwaiter().GetResult());
        return new PoisoningResults
        {
            Quick = quick,
            Seed = seed,
            LabelFlipping = flipping,
            FeatureCollision = collision,
            Backdoor = backdoor,
            CollisionDetection = collisionDetection,
            Timings = timings,
        };
    }
}
