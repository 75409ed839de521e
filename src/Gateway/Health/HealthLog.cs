using Microsoft.Extensions.Logging;

namespace NeuralSec.Gateway.Health;

/// <summary>Source-generated logs of readiness and shutdown (event ids 6000–6099).</summary>
internal static partial class HealthLog
{
    [LoggerMessage(6001, LogLevel.Error, "Readiness check failed; reporting not ready and checking again")]
    public static partial void ReadinessCheckFailed(ILogger logger, Exception exception);
}
