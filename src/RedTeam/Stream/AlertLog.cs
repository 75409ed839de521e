using System.Text.Json;

namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// The sidecar's OCSF alerts read back from its JSON-lines sink: for each request id, the client and the detectors
/// that flagged it (<c>unmapped.neuralsec.detectors[]</c> with <c>flagged: true</c>) — which tells which signal fired.
/// </summary>
internal sealed class AlertLog
{
    /// <summary>The stream detectors of <c>spec.extraction</c>; any other name is a per-input detector.</summary>
    public static readonly IReadOnlySet<string> StreamDetectors = new HashSet<string>(StringComparer.Ordinal) { "nearDuplicate", "distanceDistribution", "queryCoverage", "flaggedInputs" };

    private readonly Dictionary<string, Entry> _byRequest;

    private AlertLog(Dictionary<string, Entry> byRequest, int count)
    {
        _byRequest = byRequest;
        Count = count;
    }

    public int Count { get; }

    /// <summary>Reads <paramref name="path"/>, first waiting (at most <paramref name="settle"/>) until it stops growing,
    /// since the sink writes after the answer went out.</summary>
    public static async Task<AlertLog> ReadAsync(string path, TimeSpan settle, CancellationToken cancellationToken)
    {
        var last = -1L;
        var waited = TimeSpan.Zero;
        var step = TimeSpan.FromMilliseconds(250);
        while (waited < settle)
        {
            var length = File.Exists(path) ? new FileInfo(path).Length : 0;
            if (length == last)
            {
                break;
            }

            last = length;
            await Task.Delay(step, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            waited += step;
        }

        var byRequest = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var count = 0;
        if (!File.Exists(path))
        {
            return new AlertLog(byRequest, 0);
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(line);
                root = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                continue; // a line cut by the kill at the end of a phase
            }

            count++;
            var requestId = root.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("correlation_uid", out var id) ? id.GetString() : null;
            if (requestId is null)
            {
                continue;
            }

            var client = root.TryGetProperty("actor", out var actor) && actor.TryGetProperty("user", out var user) && user.TryGetProperty("uid", out var uid) ? uid.GetString() : null;
            var flagged = new List<string>();
            var scores = new Dictionary<string, double>(StringComparer.Ordinal);
            string? action = null;
            var enforced = true;
            if (root.TryGetProperty("unmapped", out var unmapped) && unmapped.TryGetProperty("neuralsec", out var ns))
            {
                action = ns.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                enforced = !ns.TryGetProperty("enforced", out var e) || e.ValueKind != JsonValueKind.False;
                if (ns.TryGetProperty("detectors", out var detectors) && detectors.ValueKind == JsonValueKind.Array)
                {
                    foreach (var d in detectors.EnumerateArray())
                    {
                        if (d.TryGetProperty("name", out var scored) && scored.GetString() is { } detector && d.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number)
                        {
                            scores[detector] = score.GetDouble();
                        }

                        if (d.TryGetProperty("flagged", out var f) && f.ValueKind == JsonValueKind.True && d.TryGetProperty("name", out var name) && name.GetString() is { } n)
                        {
                            flagged.Add(n);
                        }
                    }
                }
            }

            byRequest[requestId] = new Entry(client, flagged, scores, action, enforced);
        }

        return new AlertLog(byRequest, count);
    }

    /// <summary>The detectors an alert for <paramref name="requestId"/> says flagged it; empty when there is none.</summary>
    public IReadOnlyList<string> Flagged(string requestId) => _byRequest.TryGetValue(requestId, out var e) ? e.Flagged : [];

    /// <summary>The stream detectors among <see cref="Flagged"/>.</summary>
    public IReadOnlyList<string> StreamFlags(string requestId) => Flagged(requestId).Where(StreamDetectors.Contains).ToArray();

    /// <summary>Whether the alert for <paramref name="requestId"/> records a refusal that was not imposed (monitor mode:
    /// <c>enforced: false</c> with action block or throttle) — what enforce would have refused.</summary>
    public bool WouldRefuse(string requestId) =>
        _byRequest.TryGetValue(requestId, out var e) && !e.Enforced && e.Action is "block" or "throttle";

    /// <summary>The detector scores an alert for <paramref name="requestId"/> carries (every detector the request ran,
    /// flagged or not), by detector name; empty when there is none.</summary>
    public IReadOnlyDictionary<string, double> Scores(string requestId) =>
        _byRequest.TryGetValue(requestId, out var e) ? e.Scores : new Dictionary<string, double>();

    private sealed record Entry(string? Client, IReadOnlyList<string> Flagged, IReadOnlyDictionary<string, double> Scores, string? Action, bool Enforced);
}
