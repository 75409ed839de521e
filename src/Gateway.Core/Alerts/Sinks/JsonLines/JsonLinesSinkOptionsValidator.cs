namespace NeuralSec.Gateway.Alerts.Sinks.JsonLines;

internal sealed class JsonLinesSinkOptionsValidator : IAlertSinkOptionsValidator<JsonLinesSinkOptions>
{
    public void Validate(JsonLinesSinkOptions options, string path, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            errors.Add($"{path}:Path: required ('stdout' or a file path).");
        }
    }
}
