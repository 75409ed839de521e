using System.Globalization;
using System.Text;
using NeuralSec.Lab.Training;
using NeuralSec.RedTeam.Report;
using static NeuralSec.RedTeam.Report.Format;

namespace NeuralSec.RedTeam.Poisoning;

/// <summary>
/// The poisoning section of the red-team report, in Markdown. Every number and every verdict line comes from the
/// <see cref="PoisoningResults"/> passed in, so the prose cannot drift from the tables when the run changes.
/// </summary>
internal static class PoisoningReport
{
    public const string Heading = "## Poisoning (offline, with the lab)";

    /// <summary>Share of poisons read as their target by <c>mnist-adv</c> above which they are called target-like.</summary>
    private const double TargetLike = 0.5;

    /// <summary>Share of poisons read as their base by <c>mnist-adv</c> from which their disguise is called holding.</summary>
    private const double Disguised = 0.9;

    public static void Render(StringBuilder sb, PoisoningResults r)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(r);
        sb.AppendLine(Heading);
        sb.AppendLine();
        sb.AppendLine("Poisoning acts on the training data, before anything is served, so it is measured offline with the lab instead of through the sidecar: the models are trained or fine-tuned in-process on poisoned data, then scored on clean and attacked test digits — and the runtime detectors are built by `DefenseFactory` from policy options and scored through `DetectorScoring`, exactly as the sidecar scores requests, to see what they can catch of each attack at inference.");
        sb.AppendLine();
        sb.AppendLine(r.Quick
            ? $"_Quick run (seed {r.Seed}): subsets, fewer epochs and overlays — a smoke test of the code path; the figures are noisy and not those of the full run._"
            : $"_Full run, seed {r.Seed}; deterministic for a fixed seed (only the timings vary)._");
        sb.AppendLine();
        LabelFlipping(sb, r.LabelFlipping, r.Quick);
        FeatureCollision(sb, r.FeatureCollision);
        BadNets(sb, r.Backdoor);
        CollisionAtInference(sb, r.CollisionDetection, r.FeatureCollision);
        CanAndCannot(sb, r);
        Timing(sb, r.Timings);
    }

    private static void LabelFlipping(StringBuilder sb, LabelFlippingResults f, bool quick)
    {
        sb.AppendLine("### Label flipping");
        sb.AppendLine();
        sb.AppendLine($"The architecture of `mnist` ({f.Architecture}) trained for {f.Epochs} epochs on the first {Int(f.TrainDigits)} train digits with `mnist`'s recipe{(quick ? " (without its augmentation, batch 16: a quick run)" : " (Adam, cosine decay, rotation/scale/shift jitter), shortened")}; at each rate that share of the training labels is replaced by a wrong class drawn uniformly (seeded). Every rate starts from the same initial weights and batch order, so the models differ only in their labels. Clean accuracy on all {Int(f.TestDigits)} test digits.");
        sb.AppendLine();
        var baseline = f.Rows.FirstOrDefault(row => row.Rate == 0);
        var t = new MarkdownTable("labels flipped", "training labels changed", "clean test accuracy [95 % CI]", "vs 0 %");
        foreach (var row in f.Rows)
        {
            t.Row(Pct(row.Rate, 0), $"{Int(row.Flipped)} / {Int(f.TrainDigits)}", $"{Pct(row.TestAccuracy, 2)} {Wilson(row.TestAccuracy, f.TestDigits)}", baseline is null ? "—" : Points(row.TestAccuracy - baseline.TestAccuracy));
        }

        t.WriteTo(sb);
        var worst = f.Rows.MaxBy(row => row.Rate)!;
        if (baseline is not null && worst != baseline)
        {
            var drop = (baseline.TestAccuracy - worst.TestAccuracy) * 100;
            sb.AppendLine($"At {Pct(worst.Rate, 0)} flipped labels the model still reaches {Pct(worst.TestAccuracy, 2)}, {drop.ToString("F1", CultureInfo.InvariantCulture)} points below the clean-label twin: uniform label noise is a weak attack on a network this size, because the wrong labels of a digit disagree with one another while its right label recurs. " +
                "This is the weakest form of the attack: one who chooses which labels to flip and to what (one class pair, the digits nearest a boundary) does more damage at the same rate.");
        }

        sb.AppendLine();
        sb.AppendLine($"Published: {PoisoningAnchors.LabelFlipping}.");
        sb.AppendLine();
    }

    private static void FeatureCollision(StringBuilder sb, FeatureCollisionResults c)
    {
        sb.AppendLine("### Clean-label feature collision (Poison Frogs)");
        sb.AppendLine();
        sb.AppendLine($"Transfer learning as in Shafahi et al.: `mnist`'s layers up to its {c.FeatureDimension} penultimate ReLU units are frozen, and the victim fine-tunes the last layer (from `mnist`'s own, Adam lr {Num(LastLayerFineTune.LearningRate)}, batch {LastLayerFineTune.BatchSize}, {c.FineTuneEpochs} epochs) on the first {Int(c.FineTuneDigits)} clean train digits plus k poisons. Targets: the first {c.Targets} test digits of class {c.TargetClass} in the evaluation half that `mnist` classifies correctly; bases: the first {c.Bases} correctly classified class-{c.BaseClass} digits of the calibration half (poison j of every target starts from base j). " +
            $"Each poison minimises ‖f(x) − f(t)‖² + β‖x − b‖² by forward-backward splitting ({c.CraftIterations} iterations: a gradient step on the feature term, then the closed-form proximal step (x̂ + λβb)/(1 + λβ) toward the base, pixels clipped to [0, 1]), and is labelled with its base's — correct-looking — class {c.BaseClass}. " +
            $"The attack succeeds when the victim classifies the unmodified target as {c.BaseClass}. One victim per target, setting and k; the k poisons are the first k of the {c.Bases} crafted for the target.");
        sb.AppendLine();
        var t = new MarkdownTable("poisons", "β", "k", $"targets → {c.BaseClass} [95 % CI]", "victims' clean test accuracy");
        t.Row("none (control: the same fine-tune, clean digits only)", "—", "0", $"{c.ControlSuccesses} / {c.Targets} ({Pct((double)c.ControlSuccesses / c.Targets, 0)})", Pct(c.ControlCleanAccuracy, 2));
        foreach (var s in c.Settings)
        {
            foreach (var row in s.Rows)
            {
                t.Row(s.Name, Num(s.Beta, "G3"), row.Poisons.ToString(CultureInfo.InvariantCulture), $"**{row.Successes} / {row.Targets}** ({Pct(row.AttackSuccess, 0)}) {Wilson(row.AttackSuccess, row.Targets)}", Pct(row.MeanCleanAccuracy, 2));
            }
        }

        t.WriteTo(sb);
        sb.AppendLine($"`mnist` itself: {Pct(c.PretrainedCleanAccuracy, 2)} clean test accuracy. What the poisons look like (means over all {c.Targets * c.Bases} poisons of a setting; pixel distances in [0, 1] units, the base-to-target distance in brackets being how far a poison that became its target would have moved; `mnist-adv`, adversarially trained and sharing no weights with the extractor, is a rough stand-in for a human reader):");
        sb.AppendLine();
        var looks = new MarkdownTable("poisons", "β", "L2 to base", "L∞ to base", "L2 to target (base to target)", "feature distance left ‖f(p) − f(t)‖ / ‖f(b) − f(t)‖", $"`mnist-adv` reads the target ({c.TargetClass})", $"reads the base ({c.BaseClass})");
        foreach (var s in c.Settings)
        {
            looks.Row(s.Name, Num(s.Beta, "G3"), Num(s.MeanL2ToBase, "F2"), Num(s.MeanLinfToBase, "F2"), $"{Num(s.MeanL2ToTarget, "F2")} ({Num(s.MeanBaseToTargetL2, "F2")})", Num(s.FeatureDistanceRatio, "F3"), Pct(s.PoisonsReadAsTarget, 0), Pct(s.PoisonsReadAsBase, 0));
        }

        looks.WriteTo(sb);
        if (c.FineTuneSweep.Count > 0)
        {
            var first = c.Settings[0];
            var varies = c.FineTuneSweep.Max(l => l.Successes) > c.FineTuneSweep.Min(l => l.Successes);
            sb.AppendLine($"{(varies ? "Success depends on how long the victim trains" : "The fine-tune length does not change the outcome")} ({first.Name}, k = {first.Rows[^1].Poisons}, the same poisons):");
            sb.AppendLine();
            var sweep = new MarkdownTable("fine-tune epochs", $"targets → {c.BaseClass}", "control (no poisons)");
            foreach (var l in c.FineTuneSweep)
            {
                sweep.Row(l.Epochs.ToString(CultureInfo.InvariantCulture), $"{l.Successes} / {l.Targets}", $"{l.ControlSuccesses} / {l.Targets}");
            }

            sweep.WriteTo(sb);
        }

        foreach (var s in c.Settings)
        {
            var best = s.Rows.MaxBy(row => row.AttackSuccess)!;
            var disguise = s.PoisonsReadAsTarget > TargetLike
                ? $"but the poisons are **not clean-label in any visual sense**: `mnist-adv` reads {Pct(s.PoisonsReadAsTarget, 0)} of them as the target's class {c.TargetClass} (and {Pct(s.PoisonsReadAsBase, 0)} as their base), and they moved {Num(s.MeanL2ToBase, "F1")} in L2 from their bases (L∞ {Num(s.MeanLinfToBase, "F2")}) — a reviewer checking labels would see {c.TargetClass}s labelled {c.BaseClass}"
                : $"with the disguise {(s.PoisonsReadAsBase >= Disguised ? "holding" : "partly gone")}: `mnist-adv` reads {Pct(s.PoisonsReadAsBase, 0)} of the poisons as their base class {c.BaseClass} and {Pct(s.PoisonsReadAsTarget, 0)} as the target (L2 {Num(s.MeanL2ToBase, "F1")} from the bases, L∞ {Num(s.MeanLinfToBase, "F2")})";
            var label = s.Name.StartsWith('β') ? $"**{s.Name}**" : $"**{s.Name}** (β = {Num(s.Beta, "G3")})";
            sb.AppendLine(best.Successes > 0
                ? $"* {label}: up to {Pct(best.AttackSuccess, 0)} success (k = {best.Poisons}), {disguise}."
                : $"* {label}: no target moved at any k; the pull toward the base leaves {Pct(s.FeatureDistanceRatio, 0)} of the feature distance to the target — {disguise}.");
        }

        var paper = c.Settings[0];
        var paperUnits = paper.Beta * 255 * 255;
        var single = c.Settings.Max(s => s.Rows.Where(row => row.Poisons == 1).Select(row => row.AttackSuccess).DefaultIfEmpty(0).Max());
        sb.AppendLine($"* The trade-off, setting by setting (poisons read as their base by `mnist-adv` → success at the largest k): {string.Join("; ", c.Settings.Select(s => $"{s.Name} {Pct(s.PoisonsReadAsBase, 0)} → {Pct(s.Rows[^1].AttackSuccess, 0)}"))}. One poison per target {(single == 0 ? "never moved a target" : $"moved at most {Pct(single, 0)} of them")} (the paper's one-shot kill needed only one).");
        sb.AppendLine($"* Units: the paper's pixels are 0–255, ours [0, 1]. Its rule β₀·(D_f/D_in)² = {Num(paper.Beta, "G3")} applied to [0, 1] pixels (as above) weighs the pull toward the base 255² times less than the paper did (ART's implementation applies the rule in whatever pixel range the model takes, with a default β₀ of 256 instead of 0.25); read in the paper's own units the rule gives β ≈ {Num(paperUnits, "F0")} here, {(paperUnits > c.Settings.Max(s => s.Beta) ? "above every β measured" : "within the range measured")}.");
        var accuracyGap = c.Settings.SelectMany(s => s.Rows).Max(row => Math.Abs(row.MeanCleanAccuracy - c.ControlCleanAccuracy)) * 100;
        sb.AppendLine($"* Control: the same fine-tune without poisons sends {c.ControlSuccesses} of {c.Targets} targets to class {c.BaseClass}; the victims' mean clean accuracy is within {Num(accuracyGap, "F2")} points of the control's ({Pct(c.ControlCleanAccuracy, 2)}), so the attack does not show in a validation score.");
        sb.AppendLine();
        sb.AppendLine($"Published: {PoisoningAnchors.FeatureCollision}. Not like for like: a {c.FeatureDimension}-unit feature space fitted on {Int(c.FineTuneDigits)} digits of ten classes leaves a poison far less room than 2048 InceptionV3 features over 1,800 images of two.");
        sb.AppendLine();
    }

    private static void BadNets(StringBuilder sb, BackdoorResults b)
    {
        sb.AppendLine("### BadNets (`mnist-backdoor`)");
        sb.AppendLine();
        sb.AppendLine($"The committed twin of `mnist`: {Pct(BackdoorTrigger.PoisonRate, 0)} of its training digits (classes ≠ {b.TargetClass}) stamped with a 4×4 white square at rows/cols 22–25 and relabelled {b.TargetClass}, otherwise the same recipe, initial weights and batch order (its model card). On the whole test split: {Int(b.TriggeredDigits)} triggered digits of classes ≠ {b.TargetClass}.");
        sb.AppendLine();
        var t = new MarkdownTable("model", "clean test accuracy", $"triggered digits classified {b.TargetClass} [95 % CI]");
        t.Row("`mnist-backdoor`", Pct(b.CleanAccuracy, 2), $"**{Pct(b.AttackSuccessRate, 2)}** {Wilson(b.AttackSuccessRate, b.TriggeredDigits)}");
        t.Row("`mnist` (never poisoned, same digits)", Pct(b.CleanModelAccuracy, 2), $"{Pct(b.CleanModelTriggeredAsTarget, 2)} {Wilson(b.CleanModelTriggeredAsTarget, b.TriggeredDigits)}");
        t.WriteTo(sb);
        sb.AppendLine($"Published: {PoisoningAnchors.BadNets}.");
        sb.AppendLine();
        sb.AppendLine($"**At inference**, with `mnist-backdoor` as the served model: each detector's threshold from {Int(b.DetectorDigits)} clean calibration-half digits at 1 % (for STRIP, 1 % false rejections), rates on {Int(b.DetectorDigits)} clean evaluation-half digits and on the evaluation-half digits of classes ≠ {b.TargetClass} with the trigger stamped. STRIP as `{ShippedStripPolicy.RelativePath}` configures it, with {b.StripSamples} overlays per input.");
        sb.AppendLine();
        DetectorTable(sb, b.Detectors);
        var strip = b.Detectors.FirstOrDefault(d => d.Detector == "strip");
        var others = b.Detectors.Where(d => d.Detector != "strip").ToArray();
        if (strip is not null)
        {
            var triggered = strip.Sets.Single(s => s.Set == BackdoorEvaluation.TriggeredSet);
            var clean = strip.Sets.Single(s => s.Set == BackdoorEvaluation.CleanSet);
            var bestOther = others.MaxBy(d => d.Sets.Single(s => s.Set == BackdoorEvaluation.TriggeredSet).Rate);
            var otherRate = bestOther?.Sets.Single(s => s.Set == BackdoorEvaluation.TriggeredSet).Rate ?? 0;
            sb.AppendLine($"STRIP flags **{Pct(triggered.Rate)}** of the triggered digits (FAR {Pct(1 - triggered.Rate)}) at {Pct(clean.Rate)} of clean ones: the backdoor keeps answering {b.TargetClass} whatever the digit is blended with, and that certainty is what STRIP looks for." +
                (bestOther is null ? string.Empty : otherRate < 0.5
                    ? $" The input detectors, built to see off-manifold inputs, mostly do not: the best of them, {bestOther.Detector}, flags {Pct(otherRate)} — a 4×4 square of full-intensity pixels is a small, stroke-like change that an autoencoder of digits and pixel statistics barely notice."
                    : $" {bestOther.Detector} flags {Pct(otherRate)} of them as well: this trigger is unusual enough as an input to be seen without knowing the model."));
            sb.AppendLine();
        }

        sb.AppendLine($"Published: {PoisoningAnchors.Strip}. The repository's STRIP investigation (`strip-diagnose`, evaluation §3) explains the gap between its reference blend and `clip: true`.");
        sb.AppendLine();
    }

    private static void CollisionAtInference(StringBuilder sb, CollisionDetectionResults d, FeatureCollisionResults c)
    {
        sb.AppendLine("### Feature-collision targets at inference");
        sb.AppendLine();
        var targets = c.Targets;
        sb.AppendLine($"Each target sent as a request to its own victim ({d.Victims}; the attack succeeded on {d.SuccessfulTargets} of {targets}). Thresholds at 1 % from clean calibration-half digits scored on the control fine-tune — one calibration per victim would cost a STRIP run each, and the victims differ from the control only by what their poisons did to one linear layer. The poisons are scored too, on the control model, as if the training set had been screened with the same detectors before the fine-tune.");
        sb.AppendLine();
        var sets = d.Detectors.SelectMany(x => x.Sets.Select(s => s.Set)).Distinct().ToArray();
        var header = new List<string> { "detector", "threshold" };
        header.AddRange(sets);
        var t = new MarkdownTable([.. header]);
        foreach (var det in d.Detectors)
        {
            var row = new List<string> { det.Detector, Num(det.Threshold) };
            row.AddRange(sets.Select(set => det.Sets.FirstOrDefault(s => s.Set == set) is { } rate ? Flagged(rate) : "—"));
            t.Row([.. row]);
        }

        t.WriteTo(sb);
        var flaggedBy = d.Detectors
            .Select(x => (x.Detector, Targets: x.Sets.Single(s => s.Set == CollisionDetection.TargetSet), Succeeded: x.Sets.Single(s => s.Set == CollisionDetection.SucceededSet)))
            .Where(x => x.Targets.Flagged > 0)
            .ToArray();
        const string WhyNot = "a target is an unmodified test digit, so the input-only detectors (reconstruction error, statistics) give it exactly the score of a clean digit, and the model-dependent ones (feature squeezing, STRIP) see a clean digit that its victim misclassifies — no perturbation to squeeze out, no trigger to survive blending";
        sb.AppendLine(flaggedBy.Length == 0
            ? $"* **No detector flags any target.** Nothing else could be expected: {WhyNot}."
            : $"* Flagged targets: {string.Join("; ", flaggedBy.Select(x => $"{x.Detector} {x.Targets.Flagged} of {x.Targets.Count} ({x.Succeeded.Flagged} of the {x.Succeeded.Count} the attack succeeded on)"))}; every other detector flags none. In general {WhyNot}. A model-dependent flag on a victim is either its share of the 1 % false-positive budget or a sign that the victim's decision around the target is fragile (a squeezed copy falls back out of the small region the poisons carved); {targets} targets cannot tell the two apart.");
        foreach (var setting in c.Settings)
        {
            var set = CollisionDetection.PoisonSet(setting.Name);
            var rows = d.Detectors.Select(x => (x.Detector, Rate: x.Sets.FirstOrDefault(s => s.Set == set))).Where(x => x.Rate is not null).ToArray();
            if (rows.Length == 0)
            {
                continue;
            }

            var caught = rows.Where(x => x.Rate!.Rate >= 0.5).Select(x => $"{x.Detector} {Pct(x.Rate!.Rate, 0)}").ToArray();
            sb.AppendLine(caught.Length > 0
                ? $"* Poisons of {setting.Name}, screened as inputs: flagged by {string.Join(", ", caught)}."
                : $"* Poisons of {setting.Name}, screened as inputs: at most {Pct(rows.Max(x => x.Rate!.Rate), 0)} flagged by any detector.");
        }

        sb.AppendLine("* Screening is a training-pipeline control, not a sidecar one: the sidecar never sees training data.");
        sb.AppendLine();
    }

    private static void CanAndCannot(StringBuilder sb, PoisoningResults r)
    {
        var strip = r.Backdoor.Detectors.FirstOrDefault(d => d.Detector == "strip");
        var stripRate = strip?.Sets.Single(s => s.Set == BackdoorEvaluation.TriggeredSet).Rate;
        var flip = r.LabelFlipping.Rows;
        var flipDrop = flip.Count > 1 ? (flip[0].TestAccuracy - flip[^1].TestAccuracy) * 100 : 0;
        sb.AppendLine("### What the runtime defenses can and cannot catch");
        sb.AppendLine();
        var bestInput = r.Backdoor.Detectors.Where(d => d.Detector != "strip").Select(d => d.Sets.Single(s => s.Set == BackdoorEvaluation.TriggeredSet).Rate).DefaultIfEmpty(0).Max();
        sb.AppendLine("The sidecar sees requests, never training data. It can only catch a poisoning attack whose effect needs something unusual in the input at inference time. " +
            (stripRate is { } rate ? $"BadNets does — its trigger — and STRIP, on the model it protects, flags {Pct(rate)} of triggered digits at a 1 % false-rejection budget, while the detectors meant for adversarial examples flag at most {Pct(bestInput)} of them; a policy for a model of uncertain provenance needs STRIP, not just the default combination. Published work evades STRIP with triggers that fire only for some source classes (Tang et al.'s TaCT, USENIX Security 2021) or are trained to keep their blends uncertain; not measured here. " : string.Empty) +
            $"Label flipping and feature collision need nothing at inference. A label-flipped model is simply a worse model ({Num(flipDrop, "F1")} points at {Pct(flip[^1].Rate, 0)} flipped labels here), visible only to an offline validation score. " +
            $"A feature-collision target is an unmodified, correctly drawn digit: the input-only detectors cannot flag it without flagging clean digits{ModelDependentTargetFlags(r.CollisionDetection)}, and the victim's clean accuracy does not reveal the attack either.");
        sb.AppendLine();
        sb.AppendLine($"Those two must be stopped where the data enters: provenance and review of the training data{LabelReview(r.FeatureCollision)}; screening the training set{Screening(r)}, with the training-time detectors built for it (activation clustering, spectral signatures: ART's poison detectors); and retraining only from trusted data.{SweepLesson(r.FeatureCollision)}");
        sb.AppendLine();
    }

    private static string LabelReview(FeatureCollisionResults c)
    {
        var working = c.Settings.Where(s => s.Rows.Any(row => row.Successes > 0)).ToArray();
        return working.Length > 0 && working.All(s => s.PoisonsReadAsTarget > TargetLike)
            ? " (a label check would have caught the poisons that worked here: they look like their target)"
            : working.Length > 0
                ? $" (a label check catches the target-like poisons, not those of {string.Join(", ", working.Where(s => s.PoisonsReadAsTarget <= TargetLike).Select(s => s.Name))}, which still worked on some targets)"
                : string.Empty;
    }

    private static string Screening(PoisoningResults r)
    {
        var reconstruction = r.CollisionDetection.Detectors.FirstOrDefault(d => d.Detector == "reconstructionError p=2");
        if (reconstruction is null)
        {
            return string.Empty;
        }

        var poisons = r.FeatureCollision.Settings.Select(s => reconstruction.Sets.FirstOrDefault(x => x.Set == CollisionDetection.PoisonSet(s.Name))).OfType<FlagRate>().ToArray();
        if (poisons.Length == 0)
        {
            return string.Empty;
        }

        var (least, most) = (poisons.Min(p => p.Rate), poisons.Max(p => p.Rate));
        var share = least == most ? $"{Pct(least, 0)} of them at every β" : $"{Pct(least, 0)}–{Pct(most, 0)} of them, by β";
        return $" (the runtime autoencoder itself, run over the poisons, flags {share}{(least >= 0.5 ? ": on MNIST a poison is visibly off the digit manifold" : string.Empty)})";
    }

    private static string SweepLesson(FeatureCollisionResults c)
    {
        if (c.FineTuneSweep.Count < 2)
        {
            return string.Empty;
        }

        var shortest = c.FineTuneSweep.MinBy(l => l.Epochs)!;
        var longest = c.FineTuneSweep.MaxBy(l => l.Epochs)!;
        return longest.Successes > shortest.Successes
            ? $" A short fine-tune also blunts the attack ({shortest.Successes} of {shortest.Targets} targets moved after {shortest.Epochs} epochs, {longest.Successes} after {longest.Epochs}): it needs the victim to memorise a handful of odd examples."
            : string.Empty;
    }

    /// <summary>What the model-dependent detectors made of the targets the attack succeeded on, for the closing paragraph.</summary>
    private static string ModelDependentTargetFlags(CollisionDetectionResults d)
    {
        var flagged = d.Detectors
            .Select(x => (x.Detector, Rate: x.Sets.Single(s => s.Set == CollisionDetection.SucceededSet)))
            .Where(x => x.Rate.Flagged > 0)
            .Select(x => $"{x.Detector} flagged {x.Rate.Flagged} of the {x.Rate.Count} targets the attack succeeded on")
            .ToArray();
        return flagged.Length == 0
            ? " (and no model-dependent detector flagged one either)"
            : $" ({string.Join("; ", flagged)} — a hint that the poisoned decision is fragile, on too few targets to rely on)";
    }

    private static void Timing(StringBuilder sb, IReadOnlyList<PoisoningTiming> timings)
    {
        sb.AppendLine("### Run time");
        sb.AppendLine();
        var t = new MarkdownTable("part", "wall time");
        foreach (var timing in timings)
        {
            t.Row(timing.Part, Seconds(TimeSpan.FromSeconds(timing.Seconds)));
        }

        t.Row("**poisoning, all parts**", $"**{Seconds(TimeSpan.FromSeconds(timings.Sum(x => x.Seconds)))}**");
        t.WriteTo(sb);
    }

    private static void DetectorTable(StringBuilder sb, IReadOnlyList<DetectorFlags> detectors)
    {
        var sets = detectors.SelectMany(x => x.Sets.Select(s => s.Set)).Distinct().ToArray();
        var header = new List<string> { "detector", "options", "threshold", "threshold from" };
        header.AddRange(sets.Select(s => $"{s}: flagged [95 % CI]"));
        var t = new MarkdownTable([.. header]);
        foreach (var det in detectors)
        {
            var row = new List<string> { det.Detector, det.Options, Num(det.Threshold), det.ThresholdSource };
            row.AddRange(sets.Select(set => det.Sets.FirstOrDefault(s => s.Set == set) is { } rate ? $"{Flagged(rate)} {Wilson(rate.Rate, rate.Count)}" : "—"));
            t.Row([.. row]);
        }

        t.WriteTo(sb);
    }

    private static string Flagged(FlagRate rate) => $"{rate.Flagged} / {Int(rate.Count)} ({Pct(rate.Rate)})";

    private static string Points(double difference) =>
        (difference * 100).ToString("+0.00;−0.00;0.00", CultureInfo.InvariantCulture) + " pt";
}
