using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.Alerts.Formats;

namespace NeuralSec.Gateway.Tests.Alerts;

/// <summary>Fixed alerts (fixed clock, fixed ids) for golden files and sink tests.</summary>
internal static class AlertSamples
{
    public static readonly DateTimeOffset Epoch = new(2026, 1, 15, 9, 30, 0, 123, TimeSpan.Zero);

    public static readonly AlertProduct Product = new("NeuralSec", "NeuralSec", "1.2.3");

    public static AlertEvent BlockedAdversarial() => new()
    {
        Id = "0194a5b2-0000-7000-8000-000000000001",
        Time = Epoch,
        Kind = AlertKind.RequestDecision,
        Title = "Adversarial input blocked",
        Message = "Request blocked: blacklight score 0.93 over threshold 0.8.",
        Severity = AlertSeverity.High,
        Action = "block",
        RequestId = "req-7f3a",
        ClientId = "tenant-a/client-7",
        SourceAddress = "10.1.2.3",
        Model = "mnist",
        ModelVersion = "1",
        PolicyName = "default",
        PolicyRevision = "r42",
        AtlasTechniqueIds = [AtlasTechniques.CraftAdversarialData],
        Findings =
        [
            new DetectorFinding("blacklight", 0.93, 0.8, true, AtlasTechniques.CraftAdversarialData),
            new DetectorFinding("feature-squeezing", 0.12, 0.5, false, AtlasTechniques.EvadeModel),
        ],
    };

    /// <summary>An aggregated flood: model extraction throttled 57 times in one window.</summary>
    public static AlertEvent AggregatedExtraction() => new()
    {
        Id = "0194a5b2-0000-7000-8000-000000000002",
        Time = Epoch.AddSeconds(10),
        Kind = AlertKind.RequestDecision,
        Title = "Model extraction throttled",
        Message = "PRADA flagged the query stream of client tenant-b/scraper.",
        Severity = AlertSeverity.Medium,
        Action = "throttle",
        RequestId = "req-9c01",
        ClientId = "tenant-b/scraper",
        SourceAddress = "192.0.2.44",
        Model = "mnist",
        PolicyName = "default",
        PolicyRevision = "r42",
        AtlasTechniqueIds = [AtlasTechniques.ExtractModel],
        Findings = [new DetectorFinding("prada", 0.87, 0.9, true, AtlasTechniques.ExtractModel)],
        Count = 57,
        FirstSeen = Epoch.AddSeconds(0.5),
        LastSeen = Epoch.AddSeconds(9.75),
    };

    /// <summary>Text full of CEF's special characters: pipes, backslashes, equals signs and a line break.</summary>
    public static AlertEvent PolicyReloadFailed() => new()
    {
        Id = "0194a5b2-0000-7000-8000-000000000003",
        Time = Epoch.AddMinutes(1),
        Kind = AlertKind.PolicyReloadFailed,
        Title = "Policy reload refused | kept r42",
        Message = "policies\\default.yaml:12:5: threshold=1.5 is outside 0..1\nlast good revision r42 keeps serving",
        Severity = AlertSeverity.Medium,
        Action = "refuse-reload",
        PolicyName = "default",
        PolicyRevision = "r43",
    };

    /// <summary>Monitor mode: the decision was not applied.</summary>
    public static AlertEvent MonitorModeDenialOfService() => new()
    {
        Id = "0194a5b2-0000-7000-8000-000000000004",
        Time = Epoch.AddMinutes(2),
        Kind = AlertKind.RequestDecision,
        Title = "Rate limit exceeded (monitor)",
        Message = "Client would have been throttled: 480 requests in 10 s over the limit of 200.",
        Severity = AlertSeverity.Low,
        Action = "throttle",
        Enforced = false,
        RequestId = "req-d00d",
        ClientId = "tenant-c/batch",
        SourceAddress = "2001:db8::7",
        Model = "mnist",
        PolicyName = "shadow",
        PolicyRevision = "r1",
        AtlasTechniqueIds = [AtlasTechniques.DenialOfService],
    };

    public static IEnumerable<(string Name, AlertEvent Alert)> All()
    {
        yield return ("decision-block", BlockedAdversarial());
        yield return ("aggregated-throttle", AggregatedExtraction());
        yield return ("policy-reload-failed", PolicyReloadFailed());
        yield return ("monitor-mode", MonitorModeDenialOfService());
    }

    /// <summary>A plain decision alert with a given id and client, for pipeline tests.</summary>
    public static AlertEvent Numbered(int n, string client = "client", DateTimeOffset? time = null) => new()
    {
        Id = $"evt-{n:D5}",
        Time = time ?? Epoch.AddMilliseconds(n),
        Kind = AlertKind.RequestDecision,
        Title = "Adversarial input blocked",
        Message = $"Alert number {n}.",
        Severity = AlertSeverity.High,
        Action = "block",
        RequestId = $"req-{n}",
        ClientId = client,
        Model = "mnist",
        PolicyName = "default",
        PolicyRevision = "r1",
        AtlasTechniqueIds = [AtlasTechniques.CraftAdversarialData],
        Findings = [new DetectorFinding("blacklight", 0.9, 0.8, true, AtlasTechniques.CraftAdversarialData)],
    };
}
