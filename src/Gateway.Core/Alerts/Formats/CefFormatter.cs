using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NeuralSec.Gateway.Alerts.Formats;

/// <summary>
/// Writes an <see cref="AlertEvent"/> as one ArcSight CEF line:
/// <c>CEF:0|NeuralSec|NeuralSec|version|signatureId|name|severity|extension</c>.
/// Extension keys are standard CEF dictionary keys where one fits (rt, act, src or c6a2, suser, externalId, cnt, start, end,
/// outcome, msg, cat) and labelled custom strings otherwise (cs1 model, cs2 policy, cs3 ATLAS techniques, cs4 detector
/// scores, cs5 finding uid); the table is in docs/alerts.md. Keys are written in a fixed order.
/// </summary>
internal sealed class CefFormatter(AlertProduct product)
{
    public string Format(AlertEvent alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var line = new StringBuilder(512);
        line.Append("CEF:0|")
            .Append(EscapeHeader(product.Vendor)).Append('|')
            .Append(EscapeHeader(product.Name)).Append('|')
            .Append(EscapeHeader(product.Version)).Append('|')
            .Append(EscapeHeader(SignatureId(alert))).Append('|')
            .Append(EscapeHeader(alert.Title)).Append('|')
            .Append(SeverityOf(alert.Severity).ToString(CultureInfo.InvariantCulture)).Append('|');

        var first = true;
        void Add(string key, string? value)
        {
            if (value is null)
            {
                return;
            }

            if (!first)
            {
                line.Append(' ');
            }

            first = false;
            line.Append(key).Append('=');
            AppendExtensionValue(line, value);
        }

        Add("rt", alert.Time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        Add("cat", OcsfVocabulary.KindName(alert.Kind));
        Add("act", alert.Action);
        Add("outcome", alert.Enforced ? "enforced" : "monitor");
        // src is IPv4 only in the CEF dictionary; an IPv6 caller goes in c6a2, "Source IPv6 Address".
        switch (ParseIp(alert.SourceAddress))
        {
            case { AddressFamily: AddressFamily.InterNetwork } ipv4:
                Add("src", ipv4.ToString());
                break;
            case { AddressFamily: AddressFamily.InterNetworkV6 } ipv6:
                Add("c6a2Label", "Source IPv6 Address");
                Add("c6a2", ipv6.ToString());
                break;
        }

        Add("suser", alert.ClientId);
        Add("externalId", alert.RequestId);
        if (alert.Model is not null)
        {
            Add("cs1Label", "model");
            Add("cs1", alert.ModelVersion is null ? alert.Model : $"{alert.Model}:{alert.ModelVersion}");
        }

        if (alert.PolicyName is not null)
        {
            Add("cs2Label", "policy");
            Add("cs2", alert.PolicyRevision is null ? alert.PolicyName : $"{alert.PolicyName}@{alert.PolicyRevision}");
        }

        var techniques = OcsfDetectionFindingFormatter.TechniquesOf(alert);
        if (techniques.Count > 0)
        {
            Add("cs3Label", "atlasTechniques");
            Add("cs3", string.Join(',', techniques));
        }

        if (alert.Findings.Count > 0)
        {
            Add("cs4Label", "detectorScores");
            Add("cs4", string.Join(',', alert.Findings.Select(DescribeFinding)));
        }

        Add("cs5Label", "findingUid");
        Add("cs5", alert.Id);
        Add("cnt", alert.Count.ToString(CultureInfo.InvariantCulture));
        if (alert.FirstSeen is { } firstSeen && alert.LastSeen is { } lastSeen)
        {
            Add("start", firstSeen.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
            Add("end", lastSeen.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        }

        Add("msg", alert.Message);
        return line.ToString();
    }

    /// <summary>Device Event Class ID: what kind of event, stable across releases so SIEM rules can key on it.</summary>
    public static string SignatureId(AlertEvent alert) => alert.Kind switch
    {
        AlertKind.RequestDecision => $"neuralsec:decision:{alert.Action}",
        _ => $"neuralsec:{OcsfVocabulary.KindName(alert.Kind)}",
    };

    /// <summary>CEF severity 0-10, from the OCSF-numbered severity.</summary>
    public static int SeverityOf(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Informational => 1,
        AlertSeverity.Low => 3,
        AlertSeverity.Medium => 5,
        AlertSeverity.High => 8,
        AlertSeverity.Critical => 10,
        _ => 0,
    };

    /// <summary>Header fields: backslash and pipe are escaped; a line break would end the record, so it becomes a space.</summary>
    public static string EscapeHeader(string value)
    {
        var text = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': text.Append(@"\\"); break;
                case '|': text.Append(@"\|"); break;
                case '\r' or '\n': text.Append(' '); break;
                default: text.Append(c); break;
            }
        }

        return text.ToString();
    }

    /// <summary>Extension values: backslash, equals sign and line breaks are escaped; pipes are legal there.</summary>
    public static string EscapeExtension(string value)
    {
        var text = new StringBuilder(value.Length + 8);
        AppendExtensionValue(text, value);
        return text.ToString();
    }

    private static void AppendExtensionValue(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': text.Append(@"\\"); break;
                case '=': text.Append(@"\="); break;
                case '\n': text.Append(@"\n"); break;
                case '\r': text.Append(@"\r"); break;
                default: text.Append(c); break;
            }
        }
    }

    // "detector=score/threshold" with a "!" when it fired: compact enough for one custom string.
    private static string DescribeFinding(DetectorFinding finding)
    {
        var score = finding.Score.ToString("R", CultureInfo.InvariantCulture);
        var threshold = finding.Threshold is { } t ? "/" + t.ToString("R", CultureInfo.InvariantCulture) : "";
        return $"{finding.Detector}={score}{threshold}{(finding.Flagged ? "!" : "")}";
    }

    private static IPAddress? ParseIp(string? address) =>
        address is not null && address.AsSpan().IndexOfAny('.', ':') >= 0 && IPAddress.TryParse(address, out var ip) ? ip : null;
}
