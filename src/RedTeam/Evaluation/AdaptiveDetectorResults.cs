using System.Globalization;
using System.Text;
using NeuralSec.RedTeam.Report;
using static NeuralSec.RedTeam.Report.Format;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>One setting of the squeeze-aware attack and what the detectors made of it.</summary>
/// <param name="Attacked">Clean-correct digits attacked.</param>
/// <param name="Successful">Of those, misclassified after the attack.</param>
/// <param name="EvadedFs">Misclassified and not flagged by featureSqueezing at its 1 % threshold (fraction of attacked).</param>
/// <param name="EvadedCombination">Misclassified and not flagged by the default combination at 1 % (fraction of attacked).</param>
internal sealed record AdaptiveDetectorRow(float Epsilon, float Lambda, int Attacked, int Successful, double FsDetection, double CombinationDetection, double EvadedFs, double EvadedCombination);

/// <summary>Section 4: an attacker who optimises against Feature Squeezing (BPDA through the squeezers).</summary>
internal sealed class AdaptiveDetectorResults
{
    public required IReadOnlyList<AdaptiveDetectorRow> Rows { get; init; }

    public required int Steps { get; init; }

    public required double FsThreshold { get; init; }

    /// <summary>Evaluation-half digits the attacked ones were drawn from (the clean-correct ones among them).</summary>
    public required int Candidates { get; init; }

    public void WriteTo(StringBuilder sb, DetectionResults detection)
    {
        ArgumentNullException.ThrowIfNull(detection);
        sb.AppendLine($"Attacker: PGD-{Steps} (α = 2.5·ε/{Steps}, no random start) on `mnist`, untargeted, with BPDA (straight-through) through the two squeezers s (bit depth 1, median 2×2), ascending one of two objectives: **score penalty** CE(f(x), y) − λ·Σₛ ‖softmax f(x) − softmax f(s(x))‖₁, or **all views** CE(f(x), y) + Σₛ CE(f(s(x)), y) (fool the squeezed copies too, so they agree on the wrong answer); it keeps the first iterate that is misclassified **and** scores at or under featureSqueezing's 1 % threshold ({Num(FsThreshold)}). It adapts to Feature Squeezing only — not to the reconstruction-error or statistics detectors — so the combination column shows what the other members still catch. Attacked: the clean-correct digits among the first {Int(Candidates)} evaluation-half digits; thresholds as in §1 (1 % target; combination members at 1/3 %).");
        sb.AppendLine();
        var t = new MarkdownTable("ε", "objective", "attacked", "misclassified", "featureSqueezing detection of misclassified", "combination detection", "evade featureSqueezing (of attacked)", "evade combination (of attacked)");
        foreach (var r in Rows)
        {
            t.Row(r.Epsilon.ToString("0.0##", CultureInfo.InvariantCulture), Objective(r.Lambda), Int(r.Attacked), Int(r.Successful), Pct(r.FsDetection), Pct(r.CombinationDetection), $"**{Pct(r.EvadedFs)}**", $"**{Pct(r.EvadedCombination)}**");
        }

        t.WriteTo(sb);
        var fsWorst = Rows.MaxBy(r => r.EvadedFs)!;
        var comboWorst = Rows.MaxBy(r => r.EvadedCombination)!;
        sb.AppendLine($"* Worst case for featureSqueezing alone: ε = {fsWorst.Epsilon.ToString("0.0##", CultureInfo.InvariantCulture)}, {Objective(fsWorst.Lambda)} — {Pct(fsWorst.EvadedFs)} of attacked digits are misclassified and pass it (vs its non-adaptive detection rates in §1).");
        sb.AppendLine($"* Worst case for the default combination: ε = {comboWorst.Epsilon.ToString("0.0##", CultureInfo.InvariantCulture)}, {Objective(comboWorst.Lambda)} — {Pct(comboWorst.EvadedCombination)} evade it. An attacker adapting to all three members at once (the statistics and reconstruction-error scores are cheap to differentiate or to bound, e.g. by leaving the background untouched) is **not measured**: treat the combination's detection here as an upper bound and its evasion rate as a lower bound.");
        sb.AppendLine();
    }

    private static string Objective(float lambda) =>
        lambda < 0 ? "all views" : $"score penalty λ = {lambda.ToString("0.##", CultureInfo.InvariantCulture)}";
}
