using Microsoft.Extensions.Configuration;
using NeuralSec.Gateway.Alerts.Sinks.JsonLines;
using NeuralSec.Gateway.Alerts.Sinks.Syslog;
using NeuralSec.Gateway.Alerts.Sinks.Webhook;

namespace NeuralSec.Gateway.Alerts;

/// <summary>Every kind of alert sink, registered once each: the one place to add a new one.</summary>
internal static class AlertSinkTypes
{
    public const string JsonLines = "JsonLines";

    public static IReadOnlyList<IAlertSinkType> All { get; } =
    [
        new AlertSinkType<JsonLinesSinkOptions, JsonLinesSinkOptionsValidator>(JsonLines, (o, c) => JsonLinesSink.Create(c.Name, o.Path, c.Formatter, c.Logger, c.Time)),
        new AlertSinkType<WebhookSinkOptions, WebhookSinkOptionsValidator>("Webhook", (o, c) => new WebhookSink(c.Name, o, c.Formatter, c.Time, c.Logger)),
        new AlertSinkType<SyslogSinkOptions, SyslogSinkOptionsValidator>("Syslog", (o, c) => new SyslogSink(c.Name, o, c.Product, c.Logger, c.Time)),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(t => t.Name).ToArray();

    public static IAlertSinkType? Find(string? type) =>
        All.FirstOrDefault(t => string.Equals(t.Name, type, StringComparison.OrdinalIgnoreCase));

    /// <summary>Each configured sink bound as its own type's options (an unknown type stays base options, for the
    /// validator to report).</summary>
    public static List<AlertSinkOptions> BindAll(IConfigurationSection sinks) =>
        sinks.GetChildren()
            .OrderBy(s => int.TryParse(s.Key, out var index) ? index : int.MaxValue)
            .Select(s => Find(s[nameof(AlertSinkOptions.Type)] ?? JsonLines) is { } type ? type.Bind(s) : s.Get<AlertSinkOptions>() ?? new AlertSinkOptions())
            .ToList();
}
