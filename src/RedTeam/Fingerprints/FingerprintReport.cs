using System.Globalization;
using System.Text;
using NeuralSec.RedTeam.Report;

namespace NeuralSec.RedTeam.Fingerprints;

/// <summary>The markdown table of <see cref="FingerprintDiagnosis"/>.</summary>
internal static class FingerprintReport
{
    public static string Render(IReadOnlyList<FingerprintRow> rows, string command, int pairs)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Command: `{command}`. Shared hashes of S = 50; \"> {FingerprintDiagnosis.Threshold}\" is the share of pairs the shipped threshold (a score above T = {FingerprintDiagnosis.Threshold}) calls a match. {pairs:N0} pairs per column; benign: each of {pairs:N0} test digits against the {rows[0].Pool:N0} of the pool.");
        sb.AppendLine();
        var table = new MarkdownTable("View", "q", "w", "Attacker copies: p10 / p50", $"> {FingerprintDiagnosis.Threshold}", "View-aware attacker: p50", $"> {FingerprintDiagnosis.Threshold}", "Upright-aware attacker: p50", $"> {FingerprintDiagnosis.Threshold}", "Re-capture copies: p50", $"> {FingerprintDiagnosis.Threshold}", "Benign best match: p50 / p99 / max", $"> {FingerprintDiagnosis.Threshold}");
        foreach (var r in rows)
        {
            table.Row(
                r.View,
                Format.Int(r.Quantization),
                Format.Int(r.Window),
                $"{r.Attacker.P10} / {r.Attacker.P50}",
                Format.Pct(r.Attacker.Matching),
                Format.Int(r.ViewAware.P50),
                Format.Pct(r.ViewAware.Matching),
                Format.Int(r.UprightAware.P50),
                Format.Pct(r.UprightAware.Matching),
                Format.Int(r.Recapture.P50),
                Format.Pct(r.Recapture.Matching),
                $"{r.Benign.P50} / {r.Benign.P99} / {r.Benign.Max}",
                Format.Pct(r.Benign.Matching, 2));
        }

        table.WriteTo(sb);
        sb.AppendLine("Attacker copies: two OARS-style transforms (±1 px shift, ×[0.9, 1.1] brightness, ±0.04 noise) of one digit — what the adaptive attacker's queries share with each other. View-aware: the same plus a rotation of up to ±10° and a rescaling of up to ±10 % (what an attacker who knows the index centres its view would add). Upright-aware: the view-aware transform plus a shear of up to ±0.2 (what an attacker who knows the view is also turned upright and scaled to a standard size would add). Re-capture: the benign camera client's transform (±1 px, ±5 %, ±0.02). A fingerprint that sees the attacker needs the first columns high and the benign best match low; the re-capture copies will match wherever the attacker's do, so a detector on such a view needs a rule that counts matches (a camera re-sends a picture two or three times, an attack hundreds).");
        return sb.ToString();
    }
}
