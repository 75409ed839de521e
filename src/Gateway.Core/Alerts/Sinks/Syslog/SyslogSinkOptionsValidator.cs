namespace NeuralSec.Gateway.Alerts.Sinks.Syslog;

internal sealed class SyslogSinkOptionsValidator : IAlertSinkOptionsValidator<SyslogSinkOptions>
{
    public void Validate(SyslogSinkOptions options, string path, List<string> errors)
    {
        if (!Enum.IsDefined(options.Protocol))
        {
            errors.Add($"{path}:Protocol: '{options.Protocol}' is not Udp or Tcp.");
        }

        if (!Enum.IsDefined(options.Format))
        {
            errors.Add($"{path}:Format: '{options.Format}' is not Cef or Json.");
        }

        if (string.IsNullOrWhiteSpace(options.Host))
        {
            errors.Add($"{path}:Host: required.");
        }

        SinkRules.Range(errors, $"{path}:Port", options.Port, 1, 65_535);
        SinkRules.Range(errors, $"{path}:Facility", options.Facility, 0, 23);
        SinkRules.Range(errors, $"{path}:MaxMessageBytes", options.MaxMessageBytes, 480, 1_048_576);
        SinkRules.Backoff(errors, path, options.InitialBackoff, options.MaxBackoff);
        if (!IsSyslogField(options.AppName, 48))
        {
            errors.Add($"{path}:AppName: 1-48 printable ASCII characters without spaces.");
        }

        if (options.Hostname is not null && !IsSyslogField(options.Hostname, 255))
        {
            errors.Add($"{path}:Hostname: 1-255 printable ASCII characters without spaces.");
        }
    }

    // RFC 5424 header fields are PRINTUSASCII (33-126) with a length limit.
    private static bool IsSyslogField(string value, int maxLength) =>
        value.Length > 0 && value.Length <= maxLength && value.All(c => c is >= '!' and <= '~');
}
