namespace NeuralSec.Gateway.Alerts.Sinks.Webhook;

internal sealed class WebhookSinkOptionsValidator : IAlertSinkOptionsValidator<WebhookSinkOptions>
{
    public void Validate(WebhookSinkOptions options, string path, List<string> errors)
    {
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            errors.Add($"{path}:Url: '{options.Url}' is not an http:// or https:// address.");
        }

        if (string.IsNullOrWhiteSpace(options.SpoolDirectory))
        {
            errors.Add($"{path}:SpoolDirectory: required, so alerts survive an outage of the receiver and a restart.");
        }

        SinkRules.Range(errors, $"{path}:BatchSize", options.BatchSize, 1, 10_000);
        SinkRules.Range(errors, $"{path}:MaxRetries", options.MaxRetries, 0, 100);
        SinkRules.Duration(errors, $"{path}:FlushInterval", options.FlushInterval, allowZero: true);
        SinkRules.Duration(errors, $"{path}:RequestTimeout", options.RequestTimeout, allowZero: false);
        SinkRules.Backoff(errors, path, options.InitialBackoff, options.MaxBackoff);
        if (options.SpoolSegmentBytes < 4096)
        {
            errors.Add($"{path}:SpoolSegmentBytes: must be at least 4096.");
        }

        if (options.SpoolMaxBytes < options.SpoolSegmentBytes)
        {
            errors.Add($"{path}:SpoolMaxBytes: must be at least SpoolSegmentBytes ({options.SpoolSegmentBytes}).");
        }

        foreach (var header in options.Headers.Keys)
        {
            if (string.IsNullOrWhiteSpace(header) || header.Any(c => c <= ' ' || c == ':' || c > '~'))
            {
                errors.Add($"{path}:Headers: '{header}' is not a valid header name.");
            }
        }
    }
}
