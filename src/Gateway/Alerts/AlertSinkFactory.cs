using Microsoft.Extensions.Logging;
using NeuralSec.Gateway.Alerts.Formats;
using NeuralSec.Gateway.Alerts.Sinks;

namespace NeuralSec.Gateway.Alerts;

/// <summary>Turns validated sink options into sinks; the one place that knows every sink type.</summary>
internal static class AlertSinkFactory
{
    /// <summary>The configured sinks, or the default (OCSF JSON lines to stdout) when none is configured.</summary>
    public static IReadOnlyList<AlertSinkOptions> EffectiveSinks(AlertOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Sinks.Count > 0 ? options.Sinks : [new AlertSinkOptions { Type = AlertSinkType.JsonLines, Path = "stdout" }];
    }

    /// <summary>Sink names for metrics and logs: the configured name, else the type in lower case, suffixed with its
    /// position among sinks of that type when there are several (<c>webhook-0</c>, <c>webhook-1</c>).</summary>
    public static IReadOnlyList<string> ResolveNames(IReadOnlyList<AlertSinkOptions> sinks)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        var names = new List<string>(sinks.Count);
        var perType = sinks.Where(s => string.IsNullOrWhiteSpace(s.Name)).GroupBy(s => s.Type).ToDictionary(g => g.Key, g => g.Count());
        var seen = new Dictionary<AlertSinkType, int>();
        foreach (var sink in sinks)
        {
            if (!string.IsNullOrWhiteSpace(sink.Name))
            {
                names.Add(sink.Name);
                continue;
            }

            var type = sink.Type.ToString().ToLowerInvariant();
            var index = seen.GetValueOrDefault(sink.Type);
            seen[sink.Type] = index + 1;
            names.Add(perType[sink.Type] > 1 ? $"{type}-{index}" : type);
        }

        return names;
    }

    public static IReadOnlyList<IAlertSink> Create(AlertOptions options, AlertProduct product, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var configured = EffectiveSinks(options);
        var names = ResolveNames(configured);
        var formatter = new OcsfDetectionFindingFormatter(product);
        var sinks = new List<IAlertSink>(configured.Count);
        try
        {
            for (var i = 0; i < configured.Count; i++)
            {
                var sink = configured[i];
                var logger = loggerFactory.CreateLogger($"NeuralSec.Alerts.{names[i]}");
                sinks.Add(sink.Type switch
                {
                    AlertSinkType.JsonLines => JsonLinesSink.Create(names[i], sink.Path, formatter, logger, time),
                    AlertSinkType.Webhook => new WebhookSink(names[i], sink, formatter, time, logger),
                    AlertSinkType.Syslog => new SyslogSink(names[i], sink, product, logger, time),
                    _ => throw new ArgumentOutOfRangeException(nameof(options), sink.Type, "Unknown alert sink type."),
                });
            }
        }
        catch
        {
            // A sink that failed to open (an unwritable spool folder) must not leave the others' files open.
            foreach (var created in sinks)
            {
                created.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            throw;
        }

        return sinks;
    }
}
