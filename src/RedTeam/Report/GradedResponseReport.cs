using System.Text;
using NeuralSec.RedTeam.Attacks;
using NeuralSec.RedTeam.Evaluation;
using static NeuralSec.RedTeam.Report.Format;

namespace NeuralSec.RedTeam.Report;

/// <summary>§5 of docs/evaluation.md: graded answers against benign digits, the non-adaptive grid and the fully adaptive
/// attacker; the verdict lines and the chosen default are computed from the results.</summary>
internal static class GradedResponseReport
{
    public static void Write(StringBuilder sb, GradedResponseResults r)
    {
        var policies = r.Policies;
        sb.AppendLine("## 5. Graded answers against a fully adaptive attacker");
        sb.AppendLine();
        sb.AppendLine("Answer rules over the default combination's members (featureSqueezing, reconstructionError p=2, statistics), each at its §1 threshold for the combination (1/3 % on the calibration half) unless said otherwise. **Repair** answers from the bit-depth-1 view of the input (the squeezed copy Feature Squeezing already runs; `spec.repair: [{ type: bitDepth, bits: 1 }]`), so a false positive still gets the model's answer and an adversarial example a purified one. **Refuse** is PERMISSION_DENIED. A policy expresses each rule with `action: repair` and a `grades` entry per detector (docs/policies.md).");
        sb.AppendLine();
        var t = new MarkdownTable("rule", "what it does");
        foreach (var p in policies)
        {
            t.Row($"`{p.Name}`", p.Rule);
        }

        t.WriteTo(sb);
        var th = new MarkdownTable("member", "repair threshold (1/3 %)", "`graded` refuse threshold");
        var graded = policies.First(p => p.Name == "graded");
        for (var m = 0; m < r.Members.Count; m++)
        {
            th.Row(r.Members[m], Num(graded.Repair![m], "R"), Num(graded.Refuse[m], "R"));
        }

        th.WriteTo(sb);

        sb.AppendLine("### Benign digits (evaluation half)");
        sb.AppendLine();
        var b = new MarkdownTable("rule", "refused [95 % CI]", "repaired", "accuracy of repaired answers", "accuracy of unflagged answers", "accuracy of all answers");
        for (var p = 0; p < policies.Count; p++)
        {
            var o = r.Benign[p];
            b.Row($"`{policies[p].Name}`", $"{Pct((double)o.Refused / o.Count, 2)} ({o.Refused}/{Int(o.Count)}) {Wilson((double)o.Refused / o.Count, o.Count)}", $"{Pct((double)o.Repaired / o.Count, 2)} ({o.Repaired})",
                o.Repaired == 0 ? "—" : $"{Pct((double)o.RepairedRight / o.Repaired)} ({o.RepairedRight}/{o.Repaired})",
                $"{Pct((double)o.UnflaggedRight / o.Unflagged, 2)}", $"{Pct((double)(o.RepairedRight + o.UnflaggedRight) / o.Count, 2)}");
        }

        b.WriteTo(sb);
        sb.AppendLine("* With 1,000 held-out digits a refusal rate can be resolved only to about ±0.3 points: 0 refusals out of 1,000 has a 95 % upper bound of 0.38 %. The fixture has no larger independent benign set (its other 8,000 digits trained the models), so ≤ 0.1 % is shown as a point estimate with its interval, not proven.");
        sb.AppendLine();

        sb.AppendLine("### Non-adaptive attacks of §1: successful adversarial examples refused or answered with the true label");
        sb.AppendLine();
        var header = new List<string> { "attack", "n" };
        header.AddRange(policies.Skip(1).Select(p => $"`{p.Name}`"));
        var na = new MarkdownTable(header.ToArray());
        foreach (var (attack, n, stopped) in r.NonAdaptive)
        {
            var row = new List<string> { attack, Int(n) };
            row.AddRange(stopped.Skip(1).Select(s => Pct(s)));
            na.Row(row.ToArray());
        }

        na.WriteTo(sb);

        sb.AppendLine($"### Fully adaptive attacker — clean-correct digits among the first {Int(r.AdaptiveCandidates)} of the evaluation half");
        sb.AppendLine();
        sb.AppendLine($"`JointAdaptiveAttack`: white-box on `mnist` and on all three members at once. It descends C&W's margin loss (κ = 2) on the input **and** on both squeezed views (so the bit-depth-1 copy a repair answers from is fooled too), plus for each member a hinge max(0, score/threshold − 0.8) weighted {Num(r.Penalty)}: Feature Squeezing through BPDA (straight-through squeezers, exact softmax Jacobians), the autoencoder's error through its exact gradient, the statistics exactly (mean, deviation, total variation) and through a smooth count for the mid-grey fraction. {r.Steps} steps of α = 2.5·ε/{r.Steps} (L∞ sign steps; L2 normalised steps with projection); L0 sets the most salient pixel to 0 or 1 each step. No random start. *Digit only* = perturbation confined to the digit's strokes dilated by two pixels (the background stays black). Each digit stops at the first iterate the **target** rule answers wrongly, judged on the attacker's exact scores; the final images are then scored by the real detectors. Success = answered with a wrong label; the other rules are scored on the same images (an attacker adapted to the target, not to them).");
        sb.AppendLine();
        var ah = new List<string> { "attack", "target rule", "attacked", "misclassified as sent" };
        ah.AddRange(["evades featureSqueezing", "evades reconstructionError", "evades statistics", "target: refused", "target: repaired", "**target: answered wrongly**"]);
        ah.AddRange(policies.Where((_, p) => p != 0).Select(p => $"`{p.Name}` answers wrongly"));
        var at = new MarkdownTable(ah.ToArray());
        foreach (var a in r.Adaptive)
        {
            var row = new List<string> { a.Settings.Name, $"`{policies[a.Target].Name}`", Int(a.Attacked), Pct(a.MisclassifiedAsSent) };
            row.AddRange(a.Evades.Select(e => Pct(e)));
            row.AddRange([Pct(a.RefusedByTarget), Pct(a.RepairedByTarget), $"**{Pct(a.Success[a.Target])}**"]);
            row.AddRange(a.Success.Skip(1).Select(s => Pct(s)));
            at.Row(row.ToArray());
        }

        at.WriteTo(sb);
        GoalCheck(sb, r);
    }

    private static void GoalCheck(StringBuilder sb, GradedResponseResults r)
    {
        var chosen = r.Chosen;
        var name = r.Policies[chosen].Name;
        var benign = r.Benign[chosen];
        sb.AppendLine("### Goal check and the default");
        sb.AppendLine();
        sb.AppendLine($"* **Chosen default: `{name}`** — of the rules that refuse at most 0.1 % of benign digits, preferring those that stop ≥ 99 % of every non-adaptive attack, the one whose adaptive attackers at the goal budgets (L∞ ε = 0.1, L2 ε = 2) succeed least. `policies/mnist.yaml` carries it.");
        sb.AppendLine($"* Benign refusals under `{name}`: {Pct((double)benign.Refused / benign.Count, 2)} ({benign.Refused}/{Int(benign.Count)}), 95 % CI {Wilson((double)benign.Refused / benign.Count, benign.Count)} — goal ≤ 0.1 %.");
        if (benign.Repaired > 0)
        {
            // Where every request is repaired there is no unflagged digit to compare with: compare with no defense.
            var none = r.Benign[0];
            var (repaired, against, what) = benign.Unflagged > 0
                ? ((double)benign.RepairedRight / benign.Repaired, (double)benign.UnflaggedRight / benign.Unflagged, "unflagged ones")
                : ((double)benign.RepairedRight / benign.Repaired, (double)none.UnflaggedRight / none.Unflagged, "the same digits answered as sent (`none`)");
            sb.AppendLine($"* Repaired benign digits are answered right {Pct(repaired, 2)} of the time ({benign.RepairedRight}/{benign.Repaired}), {what} {Pct(against, 2)}: {(repaired >= against - 0.005 ? "about as often" : "**less often** — the bit-depth-1 view loses some hard digits")}. Goal: as often.");
        }

        var worstNonAdaptive = r.NonAdaptive.Where(x => x.Successful > 0).Min(x => x.Stopped[chosen]);
        sb.AppendLine($"* Non-adaptive FGSM/PGD ε 0.1–0.3: at least {Pct(worstNonAdaptive)} of successful examples refused or answered right in every setting — goal ≥ 99 %: **{(worstNonAdaptive >= 0.99 ? "met" : "not met")}**.");
        foreach (var a in r.Adaptive.Where(a => a.Target == chosen))
        {
            var stopped = 1 - a.Success[chosen];
            var goal = a.Settings is { Norm: AttackNorm.LInf, Epsilon: 0.1f, BackgroundPreserving: false } or { Norm: AttackNorm.L2, Epsilon: 2f };
            sb.AppendLine($"* {a.Settings.Name}, adapted to `{name}`: {Pct(stopped)} refused or answered right" + (goal ? $" — goal ≥ 50 %: **{(stopped >= 0.5 ? "met" : "not met")}**." : "."));
        }

        sb.AppendLine("* Where the defense loses: read the bold column. An attacker who knows the rule either stays under every threshold (the *evades* columns) or, flagged, fools the bit-depth-1 view too; the larger ε, the more room for both. These detectors were never trained against such an attacker, and none of the published detectors (Carlini & Wagner 2017, Tramèr et al. 2020) survived one at large ε either.");
        sb.AppendLine();
    }
}
