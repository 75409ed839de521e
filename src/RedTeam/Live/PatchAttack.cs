using System.Diagnostics;
using NeuralSec.Data;
using NeuralSec.RedTeam.Attacks;

namespace NeuralSec.RedTeam.Live;

/// <summary>
/// The sticker: a universal <see cref="AdversarialPatch"/> trained offline on the side's model (train digits, random
/// placement), pasted at a random position on test digits of other classes and sent; success is the target class
/// answered. Beside it, a random patch of the same size on the same digits at the same places (control: what covering
/// as many pixels does on its own).
/// </summary>
internal sealed class PatchAttack : LiveAttack
{
    private readonly Dictionary<string, float[]> _patches = new(StringComparer.Ordinal);

    /// <summary>Class 8, the fixture's easiest target for a patch (a blob of ink reads as an 8): an attacker picks it.</summary>
    public const int Target = 8;

    public override string Name => "patch";

    public override string Title => $"Adversarial patch {AdversarialPatch.Size}×{AdversarialPatch.Size}, anywhere on the digit";

    public override string Kind => "physical";

    public override string Atlas => "AML.T0043.000";

    public override async Task<IReadOnlyList<LiveAttackResult>> RunAsync(LiveAttackRun run)
    {
        var context = run.Context;
        var target = Target;
        var results = new List<LiveAttackResult>();
        for (var k = 0; k < 2 && !context.Clock.Expired; k++)
        {
            var watch = Stopwatch.StartNew();
            var control = k == 1;
            var patch = control ? RandomPatch(context.Seed) : Trained(context, run.Model, target);
            // The same digits at the same positions for both: a paired comparison.
            var all = context.Digits(run.Model, 0, context.Settings.Images);
            var digits = all.Select(Enumerable.Range(0, all.Count).Where(i => all.Labels[i] != target).ToArray());
            var random = new Random(context.Seed + 17);
            var originals = Evaluation.Digits.Split(digits.Images);
            var sent = originals.Select(o =>
            {
                var x = (float[])o.Clone();
                AdversarialPatch.Paste(x, patch, AdversarialPatch.Place(random));
                return x;
            }).ToArray();
            var setting = control ? "random patch (control)" : $"trained patch → class {target}";
            var outcomes = await run.SendAllAsync(run.RunName(setting), run.Accounts(sent.Length), sent).ConfigureAwait(false);
            var targets = Enumerable.Repeat((byte)target, digits.Count).ToArray();
            var offline = (double)Models.Classify.Predict(context.Models.Get(run.Model).Network, sent.SelectMany(x => x).ToArray()).Count(p => p == target) / Math.Max(1, digits.Count);
            var result = Tally(run, setting, null, outcomes, digits.Labels, targets, offline, sent, originals, watch.Elapsed.TotalSeconds,
                $"success = class {target} answered; {AdversarialPatch.Steps} steps of batch {AdversarialPatch.Batch} over random train digits and positions");
            results.Add(result);
            context.Progress.Step($"{Title} ({setting}) → {run.Side.Name}: {result.Succeeded}/{result.Attempts} answered class {target} ({result.Refused} refused)");
        }

        return results;
    }

    private float[] Trained(LiveContext context, string model, int target)
    {
        if (!_patches.TryGetValue(model, out var patch))
        {
            _patches[model] = patch = AdversarialPatch.Train(context.Models.Get(model).Network, context.Data.Train.Slice(0, 5_000).Images, target, context.Seed);
        }

        return patch;
    }

    private static float[] RandomPatch(int seed)
    {
        var random = new Random(seed + 99);
        return Enumerable.Range(0, AdversarialPatch.Size * AdversarialPatch.Size).Select(_ => (float)random.NextDouble()).ToArray();
    }
}
