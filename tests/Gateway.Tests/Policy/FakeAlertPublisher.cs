using System.Collections.Concurrent;
using NeuralSec.Gateway.Alerts;

namespace NeuralSec.Gateway.Tests.Policy;

internal sealed class FakeAlertPublisher : IAlertPublisher
{
    public ConcurrentQueue<AlertEvent> Published { get; } = new();

    public void Publish(AlertEvent alert) => Published.Enqueue(alert);
}
