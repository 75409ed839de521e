using Microsoft.Extensions.Logging;

namespace NeuralSec.Gateway.Health;

/// <summary>Source-generated logs of readiness and shutdown (event ids 6000–6099).</summary>
internal static partial class HealthLog
{
    [LoggerMessage(6001, LogLevel.Error, "Readiness check failed; reporting not ready and checking again")]
    public static partial void ReadinessCheckFailed(ILogger logger, Exception exception);

    [LoggerMessage(6002, LogLevel.Information, "Shutting down: reporting not ready and serving on for {Delay} while endpoints are withdrawn")]
    public static partial void DrainStarted(ILogger logger, TimeSpan delay);

    [LoggerMessage(6003, LogLevel.Information, "Drain window over: closing listeners, finishing calls in flight")]
    public static partial void DrainEnded(ILogger logger);
}
