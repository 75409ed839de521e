using Microsoft.Extensions.Logging;

namespace NeuralSec.Gateway.ClientState.Redis;

/// <summary>The shared state store's log events: one line when it goes down and one when it is back, never one per
/// request (the failures counter counts those).</summary>
internal static partial class RedisLog
{
    [LoggerMessage(7001, LogLevel.Information, "Shared client state in Redis at {Endpoints} (key prefix {Prefix}, operation timeout {Timeout})")]
    public static partial void Configured(ILogger logger, string endpoints, string prefix, TimeSpan timeout);

    [LoggerMessage(7002, LogLevel.Error, "SHARED STATE DOWN: Redis at {Endpoints} does not answer ({Operation}: {Reason}); policies apply their onError rule until it is back")]
    public static partial void Down(ILogger logger, Exception? exception, string endpoints, string operation, string reason);

    [LoggerMessage(7003, LogLevel.Information, "Shared state back: Redis at {Endpoints} answers again after {Failures} failed operation(s)")]
    public static partial void Recovered(ILogger logger, string endpoints, long failures);
}
