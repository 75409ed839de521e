namespace NeuralSec.Gateway.Alerts;

/// <summary>Hands alerts to the sinks. Never blocks the request path: events are queued and delivered in the
/// background; a full queue is counted and logged, not waited on.</summary>
internal interface IAlertPublisher
{
    void Publish(AlertEvent alert);
}
