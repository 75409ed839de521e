namespace NeuralSec.Gateway.Alerts.Sinks.Webhook;

/// <summary>How one POST of a batch went.</summary>
internal enum WebhookDelivery
{
    /// <summary>2xx: the receiver has the batch.</summary>
    Delivered,

    /// <summary>408, 429, 5xx, a timeout or a network error: worth another try.</summary>
    Failed,

    /// <summary>Any other 4xx: the receiver will never take this batch; retrying would block everything behind it.</summary>
    Rejected,
}
