using System.Globalization;
using System.Text;
using NeuralSec.RedTeam.Report;

namespace NeuralSec.RedTeam.Stream;

/// <summary>The markdown tables of one <c>stream</c> run (the measured half of docs/extraction.md).</summary>
internal static class StreamReport
{
    public static string Render(StreamResults r)
    {
        var sb = new StringBuilder();
        var population = r.Benign.Where(b => b.Profile != BenignTraffic.Recapture).ToArray();
        var recapture = r.Benign.Where(b => b.Profile == BenignTraffic.Recapture).ToArray();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Command: `{r.Command}` — seed {r.Seed}{(r.Quick ? ", --quick" : string.Empty)}; wall time {r.WallSeconds:F0} s{(r.Truncated ? " (cut short by --max-duration)" : string.Empty)}.");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Machine: {r.Machine}.");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Policy: {r.PolicyNote}. Every phase runs on a freshly started sidecar.");
        sb.AppendLine();

        sb.AppendLine("#### Benign clients");
        sb.AppendLine();
        var benign = new MarkdownTable("Profile", "Clients", "Queries (each)", "Stream-flagged clients", "Detector", "Other refusals");
        foreach (var g in r.Benign.GroupBy(b => b.Profile))
        {
            var flagged = g.Where(b => b.StreamFlagged).ToArray();
            var refusals = g.SelectMany(b => b.Refusals.Where(x => x.Key != QueryOutcome.SuspiciousActivity)).GroupBy(x => x.Key).Select(x => $"{x.Key} {x.Sum(y => y.Value)}");
            benign.Row(
                g.Key + (g.Key == BenignTraffic.Recapture ? " (not in the goal's count)" : string.Empty),
                Format.Int(g.Count()),
                $"{g.Min(b => b.Queries)}–{g.Max(b => b.Queries)}",
                $"{flagged.Length} of {g.Count()}",
                flagged.Length == 0 ? "—" : string.Join(", ", flagged.Select(f => f.Detector).Distinct()),
                string.Join(", ", refusals) is { Length: > 0 } s ? s : "—");
        }

        benign.WriteTo(sb);
        sb.AppendLine(CultureInfo.InvariantCulture, $"**Benign clients flagged by a stream detector: {population.Count(b => b.StreamFlagged)} of {population.Length}** ({population.Sum(b => b.Queries):N0} queries); re-capture clients: {recapture.Count(b => b.StreamFlagged)} of {recapture.Length}.");
        sb.AppendLine();

        sb.AppendLine("#### Benign accuracy by output policy");
        sb.AppendLine();
        var accuracy = new MarkdownTable("Output", "Digits", "Answered", "Top-1 accuracy of the answers");
        foreach (var a in r.BenignAccuracy)
        {
            accuracy.Row(a.Output, Format.Int(a.Digits), Format.Int(a.Answered), Format.Pct(a.Accuracy, 2));
        }

        accuracy.WriteTo(sb);

        sb.AppendLine("#### Attackers");
        sb.AppendLine();
        var table = new MarkdownTable("Attacker", "Output", "Accounts/run", "Runs", "Queries (mean/run)", "First flag at (per run)", "Detector", "First refusal at", "Refusals", "Surrogate agreement", "Evaded within budget");
        foreach (var a in r.Attackers)
        {
            var refusals = a.Runs.SelectMany(x => x.Refusals).GroupBy(x => x.Key).Select(x => $"{x.Key} {x.Sum(y => y.Value)}");
            table.Row(
                a.Attacker,
                a.Output,
                Format.Int(a.AccountsPerRun),
                Format.Int(a.Runs.Count),
                a.Runs.Count == 0 ? "—" : Format.Num(a.Runs.Average(x => x.Queries), "F0"),
                string.Join(", ", a.Runs.Select(x => x.FirstFlagAt?.ToString(CultureInfo.InvariantCulture) ?? "never")),
                string.Join(", ", a.Runs.Select(x => x.Detector ?? "none").Distinct()),
                string.Join(", ", a.Runs.Select(x => x.FirstRefusalAt is { } f ? $"{f} ({x.FirstRefusalReason})" : "never").Distinct()),
                string.Join(", ", refusals) is { Length: > 0 } s ? s : "—",
                a.Agreement is { } g ? $"{Format.Pct(g)} ({a.TrainingAnswers} answers)" : "—",
                a.Kind == "evasion" ? Evaded(a.Runs) : "—");
        }

        table.WriteTo(sb);
        sb.AppendLine("Queries are counted per run over all its accounts (1-based). \"First flag\": the first query whose alert names a flagged stream detector or that was refused as suspicious_activity. Notes:");
        sb.AppendLine();
        foreach (var a in r.Attackers)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- {a.Attacker} ({a.Output}): {a.Notes}{(a.Runs.Any(x => x.FinalL2 is not null) ? $"; final L2 per run {string.Join(", ", a.Runs.Select(x => x.FinalL2 is { } l ? Format.Num(l, "F2") : "n/a"))}" : string.Empty)}.");
        }

        if (r.CoverageSweep.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("#### queryCoverage budget: Knockoff against busy benign apps");
            sb.AppendLine();
            var apps = r.CoverageSweep[0].Apps;
            var columns = new List<string> { "Budget (novelty-weighted queries/h)" };
            columns.AddRange(apps.Select(a => $"Benign app, {a.Queries:N0} digits: first flag, answers' top-1"));
            columns.AddRange(["Knockoff first flag at", "Detector", "Surrogate agreement (all answers)", "… from the answers before the flag"]);
            var sweep = new MarkdownTable([.. columns]);
            foreach (var c in r.CoverageSweep)
            {
                var cells = new List<string> { Format.Int(c.Budget) };
                cells.AddRange(c.Apps.Select(a => $"{a.FirstFlagAt?.ToString(CultureInfo.InvariantCulture) ?? "never"}{(a.Detector is { } d && a.FirstFlagAt is not null ? $" ({d})" : string.Empty)}, {Format.Pct(a.Accuracy, 2)}"));
                cells.Add(c.Knockoff.FirstFlagAt?.ToString(CultureInfo.InvariantCulture) ?? "never");
                cells.Add(c.Knockoff.Detector ?? "none");
                cells.Add($"{Format.Pct(c.KnockoffAgreement)} ({c.KnockoffAnswers:N0} answers)");
                cells.Add(c.AgreementBeforeFlag is { } b ? $"{Format.Pct(b)} ({c.AnswersBeforeFlag:N0} answers)" : "—");
                sweep.Row([.. cells]);
            }

            sweep.WriteTo(sb);
            sb.AppendLine("Each budget on a fresh sidecar (the hardened variant with only queryCoverage's threshold changed): each benign app, then one Knockoff-random account, every client sending natural train-split digits no other client sends. A degraded client's answers are misinformed where the model is unsure (output.misinformBelow) for the cooldown — label-only, or shaped like ordinary ones with output.degradedAnswer: disguised (shipped); the labels are the same either way; the surrogate is trained on every answer Knockoff got, degraded ones included, and — the last column — on those before its first flag, which is what a block at the flag would have left it.");
        }

        sb.AppendLine();
        var phases = new MarkdownTable("Phase", "Wall time");
        foreach (var p in r.Phases)
        {
            phases.Row(p.Phase, Format.Num(p.Seconds, "F1") + " s");
        }

        phases.WriteTo(sb);
        return sb.ToString();
    }

    /// <summary>"1 of 5 (at 206)", and the wrong answers the disguise alone explained, which are not counted.</summary>
    private static string Evaded(IReadOnlyList<RunResult> runs)
    {
        var succeeded = runs.Where(x => x.SucceededAt is not null).ToArray();
        var text = $"{succeeded.Length} of {runs.Count}" + (succeeded.Length > 0 ? $" (at {string.Join(", ", succeeded.Select(x => x.SucceededAt))})" : string.Empty);
        var alone = runs.Sum(x => x.TransformOnlyFlips);
        text = alone > 0 ? $"{text}; {alone} wrong answers by the transform alone, not counted" : text;
        var contradicted = runs.Sum(x => x.Contradicted);
        text = contradicted > 0 ? $"{text}; {contradicted} claimed successes its own check on another account found a lie" : text;
        var misled = runs.Count(x => x.Misled);
        return misled > 0 ? $"{text}; {misled} stopped on a misinformed label (the model's own answer was right)" : text;
    }
}
