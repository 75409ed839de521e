namespace NeuralSec.Gateway.Alerts;

/// <summary>What every sink under <c>NeuralSec:Alerts:Sinks</c> has: its type, name and queue. Each sink type's own
/// settings are a derived options class in that sink's folder (<see cref="Sinks.Webhook.WebhookSinkOptions"/>, …),
/// bound from the same configuration entry by <see cref="AlertSinkTypes"/>.</summary>
internal class AlertSinkOptions
{
    /// <summary>One of <see cref="AlertSinkTypes.Names"/> (case does not matter).</summary>
    public string Type { get; set; } = AlertSinkTypes.JsonLines;

    /// <summary>The <c>sink</c> label on metrics and logs; defaults to the type in lower case, suffixed with its
    /// position when two sinks share a type.</summary>
    public string? Name { get; set; }

    /// <summary>Per-sink queue; a slow sink fills its own queue and drops (counted) without holding up others.</summary>
    public int QueueCapacity { get; set; } = 10_000;
}
