using Microsoft.Extensions.Logging;
using NeuralSec.Gateway.Alerts.Formats;
using NeuralSec.Gateway.Alerts.Sinks;

namespace NeuralSec.Gateway.Alerts;

/// <summary>Turns validated sink options into sinks, each through its <see cref="IAlertSinkType"/>.</summary>
internal static class AlertSinkFactory
{
    /// <summary>The configured sinks, or the default (OCSF JSON lines to stdout) when none is configured.</summary>
    public static IReadOnlyList<AlertSinkOptions> EffectiveSinks(AlertOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Sinks.Count > 0 ? options.Sinks : [new Sinks.JsonLines.JsonLinesSinkOptions { Path = "stdout" }];
    }

    /// <summary>Sink names for metrics and logs: the configured name, else the type in lower case, suffixed with its
    /// position among sinks of that type when there are several (<c>webhook-0</c>, <c>webhook-1</c>).</summary>
    public static IReadOnlyList<string> ResolveNames(IReadOnlyList<AlertSinkOptions> sinks)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        var names = new List<string>(sinks.Count);
        var perType = sinks.Where(s => string.IsNullOrWhiteSpace(s.Name)).GroupBy(s => s.Type, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var sink in sinks)
        {
            if (!string.IsNullOrWhiteSpace(sink.Name))
            {
                names.Add(sink.Name);
                continue;
            }

            var type = sink.Type.ToLowerInvariant();
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
                var type = AlertSinkTypes.Find(sink.Type)
                    ?? throw new ArgumentOutOfRangeException(nameof(options), sink.Type, "Unknown alert sink type.");
                sinks.Add(type.Create(sink, new AlertSinkContext(names[i], product, formatter, time, logger)));
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
