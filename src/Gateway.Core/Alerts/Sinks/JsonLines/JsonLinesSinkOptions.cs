namespace NeuralSec.Gateway.Alerts.Sinks.JsonLines;

/// <summary>A <c>JsonLines</c> sink: OCSF JSON, one event per line.</summary>
internal sealed class JsonLinesSinkOptions : AlertSinkOptions
{
    /// <summary><c>stdout</c> or a file path (appended to, created with its folder when missing).</summary>
    public string Path { get; set; } = "stdout";
}
