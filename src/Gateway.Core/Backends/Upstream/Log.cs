using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace NeuralSec.Gateway.Backends.Upstream;

/// <summary>Source-generated logs of the upstream backend (event ids 3100–3199).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Upstream OIP v2 backend targets {Address}")]
    public static partial void UpstreamConfigured(ILogger logger, string address);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning,
        Message = "Upstream circuit opened for {BreakDuration}")]
    public static partial void CircuitOpened(ILogger logger, TimeSpan breakDuration, Exception? lastFailure);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Upstream circuit half-open: letting one trial call through")]
    public static partial void CircuitHalfOpened(ILogger logger);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Upstream circuit closed")]
    public static partial void CircuitClosed(ILogger logger);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Debug,
        Message = "Retrying upstream call (attempt {Attempt}) in {Delay}")]
    public static partial void Retrying(ILogger logger, int attempt, TimeSpan delay, Exception? lastFailure);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Debug, Message = "Upstream attempt timed out after {Timeout}")]
    public static partial void AttemptTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning,
        Message = "Upstream call {Operation} for model {Model} failed: {Error} ({Reason})")]
    public static partial void CallFailed(ILogger logger, string operation, string model, BackendError error, string reason, Exception exception);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Information, Message = "Upstream readiness changed to {Ready}")]
    public static partial void ReadinessChanged(ILogger logger, bool ready);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Debug, Message = "Upstream readiness poll failed with {StatusCode}")]
    public static partial void ReadinessPollFailed(ILogger logger, StatusCode statusCode, Exception exception);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Warning, Message = "Upstream answered model {Model} with a malformed response: {Problem}")]
    public static partial void MalformedResponse(ILogger logger, string model, string problem);

    [LoggerMessage(EventId = 3110, Level = LogLevel.Debug, Message = "Upstream readiness poll got no answer within {Timeout}: not ready")]
    public static partial void ReadinessPollTimedOut(ILogger logger, TimeSpan timeout, Exception exception);

    [LoggerMessage(EventId = 3111, Level = LogLevel.Error, Message = "Upstream readiness poll failed unexpectedly: not ready; polling goes on")]
    public static partial void ReadinessPollCrashed(ILogger logger, Exception exception);
}
