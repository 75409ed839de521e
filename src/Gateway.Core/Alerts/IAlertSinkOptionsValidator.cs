namespace NeuralSec.Gateway.Alerts;

/// <summary>Checks one sink type's own settings; every error is added, none stops the others.</summary>
internal interface IAlertSinkOptionsValidator<in TOptions>
    where TOptions : AlertSinkOptions
{
    void Validate(TOptions options, string path, List<string> errors);
}
