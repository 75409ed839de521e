using Microsoft.Extensions.Options;

namespace NeuralSec.Gateway.Alerts;

/// <summary>Checks <c>NeuralSec:Alerts</c> once at start-up and reports every error together, each with its path.</summary>
internal sealed class AlertOptionsValidator : IValidateOptions<AlertOptions>
{
    public ValidateOptionsResult Validate(string? name, AlertOptions options)
    {
        var errors = new List<string>();
        const string root = AlertOptions.SectionName;
        if (options.AggregationWindow < TimeSpan.Zero || options.AggregationWindow > TimeSpan.FromHours(1))
        {
            errors.Add($"{root}:AggregationWindow: must be between 00:00:00 (off) and 01:00:00.");
        }

        Range(errors, $"{root}:MaxAggregationKeys", options.MaxAggregationKeys, 1, 10_000_000);
        Range(errors, $"{root}:QueueCapacity", options.QueueCapacity, 1, 10_000_000);
        if (options.ShutdownTimeout <= TimeSpan.Zero || options.ShutdownTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"{root}:ShutdownTimeout: must be more than zero and at most 00:05:00.");
        }

        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var names = AlertSinkFactory.ResolveNames(options.Sinks);
        for (var i = 0; i < options.Sinks.Count; i++)
        {
            var path = $"{root}:Sinks:{i}";
            if (seen.TryGetValue(names[i], out var other))
            {
                errors.Add($"{path}:Name: '{names[i]}' is already the name of sink {other}.");
            }
            else
            {
                seen.Add(names[i], i);
            }

            ValidateSink(errors, path, options.Sinks[i]);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateSink(List<string> errors, string path, AlertSinkOptions sink)
    {
        if (!Enum.IsDefined(sink.Type))
        {
            errors.Add($"{path}:Type: '{sink.Type}' is not JsonLines, Webhook or Syslog.");
            return;
        }

        Range(errors, $"{path}:QueueCapacity", sink.QueueCapacity, 1, 10_000_000);
        switch (sink.Type)
        {
            case AlertSinkType.JsonLines:
                if (string.IsNullOrWhiteSpace(sink.Path))
                {
                    errors.Add($"{path}:Path: required ('stdout' or a file path).");
                }

                break;

            case AlertSinkType.Webhook:
                if (!Uri.TryCreate(sink.Url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                {
                    errors.Add($"{path}:Url: '{sink.Url}' is not an http:// or https:// address.");
                }

                if (string.IsNullOrWhiteSpace(sink.SpoolDirectory))
                {
                    errors.Add($"{path}:SpoolDirectory: required, so alerts survive an outage of the receiver and a restart.");
                }

                Range(errors, $"{path}:BatchSize", sink.BatchSize, 1, 10_000);
                Range(errors, $"{path}:MaxRetries", sink.MaxRetries, 0, 100);
                Positive(errors, $"{path}:FlushInterval", sink.FlushInterval, allowZero: true);
                Positive(errors, $"{path}:InitialBackoff", sink.InitialBackoff, allowZero: false);
                Positive(errors, $"{path}:MaxBackoff", sink.MaxBackoff, allowZero: false);
                Positive(errors, $"{path}:RequestTimeout", sink.RequestTimeout, allowZero: false);
                if (sink.MaxBackoff < sink.InitialBackoff)
                {
                    errors.Add($"{path}: MaxBackoff must not be less than InitialBackoff.");
                }

                if (sink.SpoolSegmentBytes < 4096)
                {
                    errors.Add($"{path}:SpoolSegmentBytes: must be at least 4096.");
                }

                if (sink.SpoolMaxBytes < sink.SpoolSegmentBytes)
                {
                    errors.Add($"{path}:SpoolMaxBytes: must be at least SpoolSegmentBytes ({sink.SpoolSegmentBytes}).");
                }

                foreach (var header in sink.Headers.Keys)
                {
                    if (string.IsNullOrWhiteSpace(header) || header.Any(c => c <= ' ' || c == ':' || c > '~'))
                    {
                        errors.Add($"{path}:Headers: '{header}' is not a valid header name.");
                    }
                }

                break;

            case AlertSinkType.Syslog:
                if (!Enum.IsDefined(sink.Protocol))
                {
                    errors.Add($"{path}:Protocol: '{sink.Protocol}' is not Udp or Tcp.");
                }

                if (!Enum.IsDefined(sink.Format))
                {
                    errors.Add($"{path}:Format: '{sink.Format}' is not Cef or Json.");
                }

                if (string.IsNullOrWhiteSpace(sink.Host))
                {
                    errors.Add($"{path}:Host: required.");
                }

                Range(errors, $"{path}:Port", sink.Port, 1, 65_535);
                Range(errors, $"{path}:Facility", sink.Facility, 0, 23);
                Range(errors, $"{path}:MaxMessageBytes", sink.MaxMessageBytes, 480, 1_048_576);
                if (!SyslogFieldIsValid(sink.AppName, 48))
                {
                    errors.Add($"{path}:AppName: 1-48 printable ASCII characters without spaces.");
                }

                if (sink.Hostname is not null && !SyslogFieldIsValid(sink.Hostname, 255))
                {
                    errors.Add($"{path}:Hostname: 1-255 printable ASCII characters without spaces.");
                }

                break;
        }
    }

    // RFC 5424 header fields are PRINTUSASCII (33-126) with a length limit.
    private static bool SyslogFieldIsValid(string value, int maxLength) =>
        value.Length > 0 && value.Length <= maxLength && value.All(c => c is >= '!' and <= '~');

    private static void Range(List<string> errors, string path, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{path}: {value} is outside {min}..{max}.");
        }
    }

    private static void Positive(List<string> errors, string path, TimeSpan value, bool allowZero)
    {
        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero) || value > TimeSpan.FromHours(1))
        {
            errors.Add($"{path}: {value} must be {(allowZero ? "zero or more" : "more than zero")} and at most 01:00:00.");
        }
    }
}
