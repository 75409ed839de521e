using System.Diagnostics;
using NeuralSec.Data;
using NeuralSec.RedTeam.Attacks;

namespace NeuralSec.RedTeam.Live;

/// <summary>
/// The digital stand-in for an attack that must survive a camera: PGD made robust by <see cref="EotPgd"/> over
/// rotation, scale, shift and brightness, beside plain PGD at the same ε and clean digits, every digit sent
/// <see cref="Views"/> times under fresh random <see cref="PhysicalTransform"/>s (the "photographs"). Success is a
/// wrong label on a photograph.
/// </summary>
internal sealed class EotAttack : LiveAttack
{
    public const int Views = 3;
    public const float Epsilon = 0.3f;
    private readonly Dictionary<(string, int), float[]> _crafted = [];

    public override string Name => "eot";

    public override string Title => "EOT over rotation, scale, shift, brightness (L∞ ε 0.3)";

    public override string Kind => "physical";

    public override string Atlas => "AML.T0043.000";

    public override async Task<IReadOnlyList<LiveAttackResult>> RunAsync(LiveAttackRun run)
    {
        var context = run.Context;
        var results = new List<LiveAttackResult>();
        string[] settings = ["EOT-PGD ε=0.3", "PGD-40 ε=0.3, no EOT", "clean digits (control)"];
        for (var k = 0; k < settings.Length && !context.Clock.Expired; k++)
        {
            var watch = Stopwatch.StartNew();
            var digits = context.Digits(run.Model, k, context.Settings.Images / 2);
            var adversarial = Craft(context, run.Model, k, digits);
            var random = new Random(context.Seed + 1_000 + k);
            var (sent, originals, labels) = (new List<float[]>(), new List<float[]>(), new List<byte>());
            for (var i = 0; i < digits.Count; i++)
            {
                for (var v = 0; v < Views; v++)
                {
                    var transform = PhysicalTransform.Draw(random);
                    sent.Add(transform.Apply(adversarial.AsSpan(i * MnistSplit.Pixels, MnistSplit.Pixels)));
                    originals.Add(transform.Apply(digits.Image(i)));
                    labels.Add(digits.Labels[i]);
                }
            }

            var outcomes = await run.SendAllAsync(run.RunName(settings[k]), run.Accounts(digits.Count).SelectMany(a => Enumerable.Repeat(a, Views)).ToArray(), sent).ConfigureAwait(false);
            var offline = (double)Models.Classify.Predict(context.Models.Get(run.Model).Network, sent.SelectMany(x => x).ToArray()).Where((p, i) => p != labels[i]).Count() / Math.Max(1, sent.Count);
            var result = Tally(run, settings[k], Epsilon, outcomes, [.. labels], null, offline, sent, originals, watch.Elapsed.TotalSeconds,
                $"{digits.Count} digits × {Views} random photographs (±15°, ×0.9–1.1, ±2 px, brightness ×0.8–1.2); {EotPgd.Samples} transforms per EOT step");
            results.Add(result);
            context.Progress.Step($"{settings[k]} under transforms → {run.Side.Name}: {result.Succeeded}/{result.Attempts} photographs misclassified ({result.Refused} refused)");
        }

        return results;
    }

    private float[] Craft(LiveContext context, string model, int setting, MnistSplit digits)
    {
        if (_crafted.TryGetValue((model, setting), out var cached))
        {
            return cached;
        }

        var net = context.Models.Get(model).Network;
        var crafted = setting switch
        {
            0 => EotPgd.Run(net, digits.Images, digits.Labels, Epsilon, context.Seed),
            1 => AttackCrafter.Craft(context.Models.Get(model), digits, digits.Labels, new AttackSpec("pgd", Epsilon, false), context.Seed).Images,
            _ => digits.Images,
        };
        _crafted[(model, setting)] = crafted;
        return crafted;
    }
}
