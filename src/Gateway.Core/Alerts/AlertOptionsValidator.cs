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

        Sinks.SinkRules.Range(errors, $"{root}:MaxAggregationKeys", options.MaxAggregationKeys, 1, 10_000_000);
        Sinks.SinkRules.Range(errors, $"{root}:QueueCapacity", options.QueueCapacity, 1, 10_000_000);
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
        if (AlertSinkTypes.Find(sink.Type) is not { } type)
        {
            errors.Add($"{path}:Type: '{sink.Type}' is not one of {string.Join(", ", AlertSinkTypes.Names)}.");
            return;
        }

        Sinks.SinkRules.Range(errors, $"{path}:QueueCapacity", sink.QueueCapacity, 1, 10_000_000);
        type.Validate(sink, path, errors);
    }
}
