using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.Alerts.Formats;

namespace NeuralSec.Gateway.Tests.Alerts;

public sealed class OcsfDetectionFindingFormatterTests
{
    private readonly OcsfDetectionFindingFormatter formatter = new(AlertSamples.Product);

    public static TheoryData<string> Samples() => [.. AlertSamples.All().Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(Samples))]
    public void Matches_GoldenFile(string name)
    {
        var alert = AlertSamples.All().Single(s => s.Name == name).Alert;
        GoldenFile.Verify($"{name}.ocsf.json", Indent(formatter.Format(alert)) + "\n");
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Carries_RequiredAttributesOfDetectionFinding(string name)
    {
        var alert = AlertSamples.All().Single(s => s.Name == name).Alert;
        using var json = JsonDocument.Parse(formatter.Format(alert));
        var root = json.RootElement;

        Assert.Equal(1, root.GetProperty("activity_id").GetInt32());
        Assert.Equal(2, root.GetProperty("category_uid").GetInt32());
        Assert.Equal(2004, root.GetProperty("class_uid").GetInt32());
        Assert.Equal(200401, root.GetProperty("type_uid").GetInt32());
        Assert.Equal((int)alert.Severity, root.GetProperty("severity_id").GetInt32());
        Assert.Equal(alert.Time.ToUnixTimeMilliseconds(), root.GetProperty("time").GetInt64());
        Assert.Equal(alert.Message, root.GetProperty("message").GetString());
        Assert.Equal(1, root.GetProperty("status_id").GetInt32());
        Assert.True(root.GetProperty("is_alert").GetBoolean());
        Assert.Equal(alert.Count, root.GetProperty("count").GetInt32());

        var metadata = root.GetProperty("metadata");
        Assert.Equal("1.4.0", metadata.GetProperty("version").GetString());
        var product = metadata.GetProperty("product");
        Assert.Equal("NeuralSec", product.GetProperty("name").GetString());
        Assert.Equal("NeuralSec", product.GetProperty("vendor_name").GetString());
        Assert.Equal("1.2.3", product.GetProperty("version").GetString());

        var info = root.GetProperty("finding_info");
        Assert.Equal(alert.Id, info.GetProperty("uid").GetString());
        Assert.Equal(alert.Title, info.GetProperty("title").GetString());
        Assert.NotEqual(0, info.GetProperty("analytic").GetProperty("type_id").GetInt32());
        Assert.NotEmpty(info.GetProperty("types").EnumerateArray());

        var neuralsec = root.GetProperty("unmapped").GetProperty("neuralsec");
        Assert.Equal(alert.Action, neuralsec.GetProperty("action").GetString());
        Assert.Equal(alert.PolicyName, neuralsec.GetProperty("policy").GetProperty("name").GetString());
        Assert.Equal(alert.PolicyRevision, neuralsec.GetProperty("policy").GetProperty("revision").GetString());
    }

    [Fact]
    public void Maps_AtlasTechniques_ToAttacks_WithTactics()
    {
        using var json = JsonDocument.Parse(formatter.Format(AlertSamples.BlockedAdversarial()));
        var attacks = json.RootElement.GetProperty("finding_info").GetProperty("attacks").EnumerateArray().ToList();

        // AML.T0043 from the event; AML.T0015 belongs to a detector that did not fire, so it is not claimed.
        var attack = Assert.Single(attacks);
        Assert.Equal("AML.T0043", attack.GetProperty("technique").GetProperty("uid").GetString());
        Assert.Equal("Craft Adversarial Data", attack.GetProperty("technique").GetProperty("name").GetString());
        Assert.Equal("AML.TA0001", attack.GetProperty("tactic").GetProperty("uid").GetString());
    }

    [Fact]
    public void Writes_SubTechnique_UnderItsParent()
    {
        using var json = JsonDocument.Parse(formatter.Format(AlertSamples.AggregatedExtraction()));
        var attack = json.RootElement.GetProperty("finding_info").GetProperty("attacks")[0];

        Assert.Equal("AML.T0024", attack.GetProperty("technique").GetProperty("uid").GetString());
        Assert.Equal("AML.T0024.002", attack.GetProperty("sub_technique").GetProperty("uid").GetString());
        Assert.Equal("Extract AI Model", attack.GetProperty("sub_technique").GetProperty("name").GetString());
        Assert.Equal("AML.TA0010", attack.GetProperty("tactic").GetProperty("uid").GetString());
    }

    [Fact]
    public void Reports_DetectorScoresAgainstThresholds()
    {
        using var json = JsonDocument.Parse(formatter.Format(AlertSamples.BlockedAdversarial()));
        var detectors = json.RootElement.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("detectors").EnumerateArray().ToList();

        Assert.Equal(2, detectors.Count);
        Assert.Equal("blacklight", detectors[0].GetProperty("name").GetString());
        Assert.Equal(0.93, detectors[0].GetProperty("score").GetDouble());
        Assert.Equal(0.8, detectors[0].GetProperty("threshold").GetDouble());
        Assert.True(detectors[0].GetProperty("flagged").GetBoolean());
        Assert.False(detectors[1].GetProperty("flagged").GetBoolean());
    }

    [Fact]
    public void Puts_ClientAndRequest_InEvidencesAndObservables()
    {
        using var json = JsonDocument.Parse(formatter.Format(AlertSamples.BlockedAdversarial()));
        var root = json.RootElement;
        var evidence = root.GetProperty("evidences")[0];

        Assert.Equal("tenant-a/client-7", evidence.GetProperty("actor").GetProperty("user").GetProperty("uid").GetString());
        Assert.Equal("req-7f3a", evidence.GetProperty("api").GetProperty("request").GetProperty("uid").GetString());
        Assert.Equal("10.1.2.3", evidence.GetProperty("src_endpoint").GetProperty("ip").GetString());
        var observed = root.GetProperty("observables").EnumerateArray().Select(o => o.GetProperty("value").GetString()).ToList();
        Assert.Contains("tenant-a/client-7", observed);
        Assert.Contains("10.1.2.3", observed);
        Assert.Contains("mnist", observed);
        Assert.Contains("req-7f3a", observed);
    }

    [Fact]
    public void Aggregated_HasCountAndTimeSpan()
    {
        var alert = AlertSamples.AggregatedExtraction();
        using var json = JsonDocument.Parse(formatter.Format(alert));
        var root = json.RootElement;

        Assert.Equal(57, root.GetProperty("count").GetInt32());
        Assert.Equal(alert.FirstSeen!.Value.ToUnixTimeMilliseconds(), root.GetProperty("start_time").GetInt64());
        Assert.Equal(alert.LastSeen!.Value.ToUnixTimeMilliseconds(), root.GetProperty("end_time").GetInt64());
    }

    [Fact]
    public void MonitorMode_IsAllowedAndDetected()
    {
        using var json = JsonDocument.Parse(formatter.Format(AlertSamples.MonitorModeDenialOfService()));

        Assert.Equal(1, json.RootElement.GetProperty("action_id").GetInt32());
        Assert.Equal(15, json.RootElement.GetProperty("disposition_id").GetInt32());
        Assert.False(json.RootElement.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("enforced").GetBoolean());
    }

    [Fact]
    public void NonFiniteScore_IsWrittenAsNull()
    {
        var alert = AlertSamples.BlockedAdversarial() with { Findings = [new DetectorFinding("magnet", double.NaN, 0.5, false, null)] };

        using var json = JsonDocument.Parse(formatter.Format(alert));

        var detector = json.RootElement.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("detectors")[0];
        Assert.Equal(JsonValueKind.Null, detector.GetProperty("score").ValueKind);
    }

    [Fact]
    public void Output_IsOneLine()
    {
        var text = Encoding.UTF8.GetString(formatter.Format(AlertSamples.PolicyReloadFailed()));

        Assert.DoesNotContain('\n', text);
        Assert.Contains("\\n", text, StringComparison.Ordinal);
    }

    // Golden files are indented for review; re-indenting keeps the property order, which is what they pin down.
    private static string Indent(byte[] compact)
    {
        using var document = JsonDocument.Parse(compact);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            document.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
