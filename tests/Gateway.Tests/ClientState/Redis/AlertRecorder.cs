using System.Collections.Concurrent;
using NeuralSec.Gateway.Alerts;

namespace NeuralSec.Gateway.Tests.ClientState.Redis;

/// <summary>Keeps the alerts a store raises (the full path to a sink is tested end to end with a real sidecar).</summary>
internal sealed class AlertRecorder : IAlertPublisher
{
    private readonly ConcurrentQueue<AlertEvent> _alerts = new();

    public IReadOnlyList<AlertEvent> Alerts => _alerts.ToArray();

    public void Publish(AlertEvent alert) => _alerts.Enqueue(alert);

    /// <summary>The alerts raised so far, a line each, for a failed assertion's message.</summary>
    public string Describe() => string.Join(Environment.NewLine, _alerts.Select(a => $"{a.Time:HH:mm:ss.fff} {a.Kind}: {a.Message}"));
}
