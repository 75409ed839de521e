using System.Diagnostics;
using System.Globalization;
using NeuralSec.Data;
using NeuralSec.RedTeam.Attacks;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Live;

/// <summary>
/// Transfer attacks: FGSM, PGD-40 (untargeted and towards a random wrong class) and C&amp;W-L2 crafted white-box on the
/// attacker's offline copy of the side's model — it knows the model, not the firewall — then each adversarial digit
/// sent once through the API. Success is the answered label, whatever the copy said.
/// </summary>
internal sealed class TransferAttack : LiveAttack
{
    private readonly string _name;
    private readonly Dictionary<(string Model, string Setting), (float[] Images, byte[]? Targets, double Offline)> _crafted = [];

    public TransferAttack(string name)
    {
        _name = name;
    }

    public override string Name => _name;

    public override string Title => _name switch
    {
        "fgsm" => "FGSM (transfer from the offline copy)",
        "pgd" => "PGD-40 (transfer from the offline copy)",
        "pgd-targeted" => "PGD-40 targeted (transfer from the offline copy)",
        _ => "C&W-L2 (transfer from the offline copy)",
    };

    public override string Kind => "transfer";

    public override string Atlas => "AML.T0043.002";

    private IReadOnlyList<float> Epsilons(bool quick) => _name switch
    {
        "fgsm" => quick ? [0.3f] : [0.1f, 0.2f, 0.3f],
        "pgd" => quick ? [0.1f, 0.3f] : [0.1f, 0.2f, 0.3f],
        "pgd-targeted" => [0.3f],
        _ => [0f],
    };

    public override async Task<IReadOnlyList<LiveAttackResult>> RunAsync(LiveAttackRun run)
    {
        var context = run.Context;
        var results = new List<LiveAttackResult>();
        var epsilons = Epsilons(context.Settings.Quick);
        for (var k = 0; k < epsilons.Count && !context.Clock.Expired; k++)
        {
            var watch = Stopwatch.StartNew();
            var eps = epsilons[k];
            var setting = _name == "cw-l2" ? $"κ=0, {CarliniWagnerL2.BinarySteps}×{CarliniWagnerL2.Iterations} steps" : string.Create(CultureInfo.InvariantCulture, $"ε={eps:0.0}");
            var digits = context.Digits(run.Model, k, context.Settings.Images);
            var (images, targets, offline) = Craft(context, run.Model, setting, digits, eps);
            var sent = Evaluation.Digits.Split(images);
            var originals = Evaluation.Digits.Split(digits.Images);
            var outcomes = await run.SendAllAsync(run.RunName(setting), run.Accounts(sent.Length), sent).ConfigureAwait(false);
            var result = Tally(run, setting, _name == "cw-l2" ? null : eps, outcomes, digits.Labels, targets, offline, sent, originals, watch.Elapsed.TotalSeconds,
                _name == "cw-l2" ? "unbounded L2; mean L2 of the successes reported" : targets is null ? "untargeted" : "towards a random wrong class");
            results.Add(result);
            context.Progress.Step($"{Title} {setting} → {run.Side.Name}: {result.Succeeded}/{result.Attempts} succeeded through the API ({result.Refused} refused; offline copy {offline:P0})");
        }

        return results;
    }

    private (float[] Images, byte[]? Targets, double Offline) Craft(LiveContext context, string model, string setting, MnistSplit digits, float eps)
    {
        if (_crafted.TryGetValue((model, setting), out var cached))
        {
            return cached;
        }

        var runner = context.Models.Get(model);
        float[] images;
        byte[]? targets = null;
        if (_name == "cw-l2")
        {
            images = CarliniWagnerL2.Run(runner.Network, digits.Images, digits.Labels);
        }
        else
        {
            var targeted = _name == "pgd-targeted";
            var random = new Random(context.Seed);
            var wrong = digits.Labels.Select(l => (byte)((l + 1 + random.Next(9)) % 10)).ToArray();
            var batch = AttackCrafter.Craft(runner, digits, wrong, new AttackSpec(_name == "fgsm" ? "fgsm" : "pgd", eps, targeted), context.Seed);
            (images, targets) = (batch.Images, batch.Targets);
        }

        var predicted = Classify.Predict(runner.Network, images);
        var hits = predicted.Where((p, i) => targets is null ? p != digits.Labels[i] : p == targets[i]).Count();
        var crafted = (images, targets, digits.Count == 0 ? double.NaN : (double)hits / digits.Count);
        _crafted[(model, setting)] = crafted;
        return crafted;
    }
}
