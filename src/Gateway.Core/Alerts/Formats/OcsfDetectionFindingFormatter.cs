using System.Buffers;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace NeuralSec.Gateway.Alerts.Formats;

/// <summary>
/// Writes an <see cref="AlertEvent"/> as an OCSF Detection Finding (class_uid 2004), one compact JSON object.
/// Written by hand with <see cref="Utf8JsonWriter"/> rather than serialised from classes so that the property order is
/// fixed (golden-file tests, diff-able SIEM samples) and absent values are left out instead of written as null.
/// The mapping is documented in docs/alerts.md.
/// </summary>
internal sealed class OcsfDetectionFindingFormatter(AlertProduct product)
{
    /// <summary>The OCSF schema release the events follow (metadata.version).</summary>
    public const string SchemaVersion = "1.4.0";

    public const int ClassUid = 2004;
    public const int CategoryUid = 2;
    public const int ActivityCreate = 1;

    /// <summary>The API operation in evidences: the OIP v2 inference call, gRPC and REST alike.</summary>
    private const string InferOperation = "ModelInfer";

    // The payload goes to log pipelines and SIEMs, never into HTML, so readable non-ASCII and '<', '&', '+' beat the
    // default encoder's \u escapes. Quotes, backslashes and control characters are still escaped.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    public byte[] Format(AlertEvent alert)
    {
        var buffer = new ArrayBufferWriter<byte>(2048);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, alert);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public void Write(Utf8JsonWriter writer, AlertEvent alert)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(alert);
        var time = alert.Time.ToUnixTimeMilliseconds();
        var (actionId, actionName, dispositionId, dispositionName) = OcsfVocabulary.ActionOf(alert);

        writer.WriteStartObject();
        writer.WriteNumber("activity_id", ActivityCreate);
        writer.WriteString("activity_name", "Create");
        writer.WriteNumber("category_uid", CategoryUid);
        writer.WriteString("category_name", "Findings");
        writer.WriteNumber("class_uid", ClassUid);
        writer.WriteString("class_name", "Detection Finding");
        writer.WriteNumber("type_uid", (ClassUid * 100) + ActivityCreate);
        writer.WriteString("type_name", "Detection Finding: Create");
        writer.WriteNumber("severity_id", (int)alert.Severity);
        writer.WriteString("severity", OcsfVocabulary.SeverityName(alert.Severity));
        writer.WriteNumber("time", time);
        writer.WriteNumber("timezone_offset", 0);
        writer.WriteNumber("count", alert.Count);
        if (alert.FirstSeen is { } first && alert.LastSeen is { } last)
        {
            writer.WriteNumber("start_time", first.ToUnixTimeMilliseconds());
            writer.WriteNumber("end_time", last.ToUnixTimeMilliseconds());
        }

        writer.WriteString("message", alert.Message);
        writer.WriteNumber("status_id", 1);
        writer.WriteString("status", "New");
        writer.WriteBoolean("is_alert", true);
        if (OcsfVocabulary.ConfidenceOf(alert) is { } confidence)
        {
            writer.WriteNumber("confidence_id", confidence.Id);
            writer.WriteString("confidence", confidence.Name);
        }

        writer.WriteNumber("action_id", actionId);
        writer.WriteString("action", actionName);
        writer.WriteNumber("disposition_id", dispositionId);
        writer.WriteString("disposition", dispositionName);

        WriteMetadata(writer, alert);
        WriteFindingInfo(writer, alert, time);
        WriteActorAndApi(writer, alert);
        WriteResources(writer, alert);
        WriteEvidences(writer, alert);
        WriteObservables(writer, alert);
        WriteUnmapped(writer, alert);
        writer.WriteEndObject();
    }

    private void WriteMetadata(Utf8JsonWriter writer, AlertEvent alert)
    {
        writer.WriteStartObject("metadata");
        writer.WriteString("version", SchemaVersion);
        writer.WriteString("uid", alert.Id);
        writer.WriteStartArray("profiles");
        writer.WriteStringValue("security_control");
        writer.WriteEndArray();
        if (alert.RequestId is not null)
        {
            writer.WriteString("correlation_uid", alert.RequestId);
        }

        writer.WriteStartObject("product");
        writer.WriteString("name", product.Name);
        writer.WriteString("vendor_name", product.Vendor);
        writer.WriteString("version", product.Version);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteFindingInfo(Utf8JsonWriter writer, AlertEvent alert, long time)
    {
        writer.WriteStartObject("finding_info");
        writer.WriteString("uid", alert.Id);
        writer.WriteString("title", alert.Title);
        writer.WriteString("desc", alert.Message);
        writer.WriteStartArray("types");
        writer.WriteStringValue(OcsfVocabulary.FindingType(alert.Kind));
        writer.WriteEndArray();
        writer.WriteNumber("created_time", time);
        writer.WriteNumber("first_seen_time", (alert.FirstSeen ?? alert.Time).ToUnixTimeMilliseconds());
        writer.WriteNumber("last_seen_time", (alert.LastSeen ?? alert.Time).ToUnixTimeMilliseconds());

        var (analyticTypeId, analyticType, analyticName) = OcsfVocabulary.AnalyticOf(alert);
        writer.WriteStartObject("analytic");
        writer.WriteNumber("type_id", analyticTypeId);
        writer.WriteString("type", analyticType);
        writer.WriteString("name", analyticName);
        writer.WriteEndObject();

        var techniques = TechniquesOf(alert);
        if (techniques.Count > 0)
        {
            writer.WriteStartArray("attacks");
            foreach (var id in techniques)
            {
                WriteAttack(writer, id);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    // ATLAS sub-techniques (AML.T0024.002) go in sub_technique with their parent as the technique, as OCSF models
    // ATT&CK's T1234.001.
    private static void WriteAttack(Utf8JsonWriter writer, string id)
    {
        var parent = id.Count(c => c == '.') >= 2 ? id[..id.LastIndexOf('.')] : id;
        writer.WriteStartObject();
        writer.WriteStartObject("technique");
        writer.WriteString("uid", parent);
        writer.WriteString("name", AtlasTechniques.NameOf(parent));
        writer.WriteEndObject();
        if (parent != id)
        {
            writer.WriteStartObject("sub_technique");
            writer.WriteString("uid", id);
            writer.WriteString("name", AtlasTechniques.NameOf(id));
            writer.WriteEndObject();
        }

        var (tacticUid, tacticName) = AtlasTechniques.TacticOf(id);
        if (tacticUid.Length > 0)
        {
            writer.WriteStartObject("tactic");
            writer.WriteString("uid", tacticUid);
            writer.WriteString("name", tacticName);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteActorAndApi(Utf8JsonWriter writer, AlertEvent alert)
    {
        if (alert.ClientId is not null)
        {
            writer.WriteStartObject("actor");
            WriteUser(writer, alert.ClientId);
            writer.WriteEndObject();
        }

        if (alert.RequestId is not null && alert.Kind != AlertKind.PolicyReloadFailed)
        {
            WriteApi(writer, alert.RequestId);
        }
    }

    private static void WriteResources(Utf8JsonWriter writer, AlertEvent alert)
    {
        if (alert.Model is null && alert.PolicyName is null)
        {
            return;
        }

        writer.WriteStartArray("resources");
        if (alert.Model is not null)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "AI Model");
            writer.WriteString("uid", alert.Model);
            writer.WriteString("name", alert.ModelVersion is null ? alert.Model : $"{alert.Model}:{alert.ModelVersion}");
            writer.WriteEndObject();
        }

        if (alert.PolicyName is not null)
        {
            writer.WriteStartObject();
            writer.WriteString("type", "NeuralSec Policy");
            writer.WriteString("uid", alert.PolicyRevision is null ? alert.PolicyName : $"{alert.PolicyName}@{alert.PolicyRevision}");
            writer.WriteString("name", alert.PolicyName);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    // OCSF wants at least one of actor, api, src_endpoint… per evidence; a reload failure has none of them.
    private static void WriteEvidences(Utf8JsonWriter writer, AlertEvent alert)
    {
        var ip = ParseIp(alert.SourceAddress);
        var api = alert.Kind != AlertKind.PolicyReloadFailed ? alert.RequestId : null;
        if (alert.ClientId is null && api is null && ip is null)
        {
            return;
        }

        writer.WriteStartArray("evidences");
        writer.WriteStartObject();
        if (alert.ClientId is not null)
        {
            writer.WriteStartObject("actor");
            WriteUser(writer, alert.ClientId);
            writer.WriteEndObject();
        }

        if (api is not null)
        {
            WriteApi(writer, api);
        }

        if (ip is not null)
        {
            writer.WriteStartObject("src_endpoint");
            writer.WriteString("ip", ip);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndArray();
    }

    private static void WriteObservables(Utf8JsonWriter writer, AlertEvent alert)
    {
        var ip = ParseIp(alert.SourceAddress);
        if (alert.ClientId is null && ip is null && alert.Model is null && alert.RequestId is null)
        {
            return;
        }

        writer.WriteStartArray("observables");
        if (alert.ClientId is not null)
        {
            WriteObservable(writer, "actor.user.name", 4, "User Name", alert.ClientId);
        }

        if (ip is not null)
        {
            WriteObservable(writer, "evidences.src_endpoint.ip", 2, "IP Address", ip);
        }

        if (alert.Model is not null)
        {
            WriteObservable(writer, "resources.uid", 10, "Resource UID", alert.Model);
        }

        if (alert.RequestId is not null)
        {
            WriteObservable(writer, "metadata.correlation_uid", 99, "Request ID", alert.RequestId);
        }

        writer.WriteEndArray();
    }

    /// <summary>What OCSF has no attribute for: the enforcement details and every detector's score against its
    /// threshold, under one vendor key so a SIEM can map it once.</summary>
    private static void WriteUnmapped(Utf8JsonWriter writer, AlertEvent alert)
    {
        writer.WriteStartObject("unmapped");
        writer.WriteStartObject("neuralsec");
        writer.WriteString("kind", OcsfVocabulary.KindName(alert.Kind));
        writer.WriteString("action", alert.Action);
        writer.WriteBoolean("enforced", alert.Enforced);
        WriteOptional(writer, "request_id", alert.RequestId);
        WriteOptional(writer, "client_id", alert.ClientId);
        WriteOptional(writer, "source_address", alert.SourceAddress);
        WriteOptional(writer, "model", alert.Model);
        WriteOptional(writer, "model_version", alert.ModelVersion);
        if (alert.PolicyName is not null || alert.PolicyRevision is not null)
        {
            writer.WriteStartObject("policy");
            WriteOptional(writer, "name", alert.PolicyName);
            WriteOptional(writer, "revision", alert.PolicyRevision);
            writer.WriteEndObject();
        }

        writer.WriteStartArray("detectors");
        foreach (var finding in alert.Findings)
        {
            writer.WriteStartObject();
            writer.WriteString("name", finding.Detector);
            WriteNumber(writer, "score", finding.Score);
            if (finding.Threshold is { } threshold)
            {
                WriteNumber(writer, "threshold", threshold);
            }

            writer.WriteBoolean("flagged", finding.Flagged);
            WriteOptional(writer, "technique", finding.AtlasTechniqueId);
            if (finding.Measures.Count > 0)
            {
                writer.WriteStartObject("measures");
                foreach (var (name, value) in finding.Measures)
                {
                    WriteNumber(writer, name, value);
                }

                writer.WriteEndObject();
            }

            if (finding.Related.Count > 0)
            {
                writer.WriteStartArray("related");
                foreach (var related in finding.Related)
                {
                    writer.WriteStartObject();
                    writer.WriteString("request_id", related.RequestId);
                    writer.WriteString("client_id", related.ClientId);
                    writer.WriteNumber("time", related.Time.ToUnixTimeMilliseconds());
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteString("aggregation_key", alert.AggregationKey);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The event's techniques, then those of flagged detectors not already named, in order, without repeats.</summary>
    internal static List<string> TechniquesOf(AlertEvent alert)
    {
        var ids = new List<string>();
        foreach (var id in alert.AtlasTechniqueIds.Concat(alert.Findings.Where(f => f.Flagged).Select(f => f.AtlasTechniqueId)))
        {
            if (!string.IsNullOrEmpty(id) && !ids.Contains(id, StringComparer.Ordinal))
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    private static void WriteUser(Utf8JsonWriter writer, string clientId)
    {
        writer.WriteStartObject("user");
        writer.WriteString("name", clientId);
        writer.WriteString("uid", clientId);
        writer.WriteEndObject();
    }

    private static void WriteApi(Utf8JsonWriter writer, string requestId)
    {
        writer.WriteStartObject("api");
        writer.WriteString("operation", InferOperation);
        writer.WriteStartObject("request");
        writer.WriteString("uid", requestId);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteObservable(Utf8JsonWriter writer, string name, int typeId, string type, string value)
    {
        writer.WriteStartObject();
        writer.WriteString("name", name);
        writer.WriteNumber("type_id", typeId);
        writer.WriteString("type", type);
        writer.WriteString("value", value);
        writer.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    // JSON has no NaN or infinity; a detector that produced one is reported as null rather than failing the alert.
    private static void WriteNumber(Utf8JsonWriter writer, string name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    // src_endpoint.ip is typed ip_t in OCSF; a "host:port" or a name would fail schema validation, so only a bare
    // address goes there (the raw text stays in unmapped.neuralsec.source_address). TryParse alone would take "42"
    // for 0.0.0.42, hence the separator check.
    private static string? ParseIp(string? address) =>
        address is not null && address.AsSpan().IndexOfAny('.', ':') >= 0 && IPAddress.TryParse(address, out var ip)
            ? ip.ToString()
            : null;
}
