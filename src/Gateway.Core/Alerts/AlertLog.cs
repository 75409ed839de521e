using Microsoft.Extensions.Logging;

namespace NeuralSec.Gateway.Alerts;

/// <summary>The alert pipeline's log events, source-generated. Loss of alerts is logged at Error: a SOC feed that
/// drops findings is a security problem, not a performance note.</summary>
internal static partial class AlertLog
{
    [LoggerMessage(5001, LogLevel.Information, "Alert pipeline started: sinks {Sinks}, aggregation window {Window}")]
    public static partial void Started(ILogger logger, string sinks, TimeSpan window);

    [LoggerMessage(5002, LogLevel.Error, "ALERTS DROPPED: {Count} alert(s) lost ({Reason}) in the last interval; {Total} in all")]
    public static partial void Dropped(ILogger logger, long count, string reason, long total);

    [LoggerMessage(5003, LogLevel.Warning, "Alert sink {Sink} delivery failed (attempt {Attempt}): {Reason}")]
    public static partial void DeliveryFailed(ILogger logger, string sink, int attempt, string reason);

    [LoggerMessage(5004, LogLevel.Warning, "Alert sink {Sink} is down; {Count} event(s) spooled to disk ({Bytes} bytes pending)")]
    public static partial void Spooled(ILogger logger, string sink, int count, long bytes);

    [LoggerMessage(5005, LogLevel.Information, "Alert sink {Sink} is back up; draining {Bytes} spooled bytes")]
    public static partial void SinkRecovered(ILogger logger, string sink, long bytes);

    [LoggerMessage(5006, LogLevel.Error, "ALERT SPOOL FULL: sink {Sink} spool at {Bytes} of {MaxBytes} bytes; new alerts are being DROPPED until the receiver recovers")]
    public static partial void SpoolFull(ILogger logger, string sink, long bytes, long maxBytes);

    [LoggerMessage(5007, LogLevel.Error, "Alert sink {Sink}: receiver refused a batch of {Count} with HTTP {Status}; not retried, dropped")]
    public static partial void Rejected(ILogger logger, string sink, int count, int status);

    [LoggerMessage(5008, LogLevel.Warning, "Alert spool {Directory}: {Detail}")]
    public static partial void SpoolRecovered(ILogger logger, string directory, string detail);

    [LoggerMessage(5009, LogLevel.Error, "Alert sink {Sink} failed unexpectedly")]
    public static partial void SinkCrashed(ILogger logger, Exception exception, string sink);

    [LoggerMessage(5010, LogLevel.Information, "Alert spool of sink {Sink} holds {Records} undelivered event(s) ({Bytes} bytes) from an earlier run")]
    public static partial void SpoolResumed(ILogger logger, string sink, long records, long bytes);

    [LoggerMessage(5011, LogLevel.Warning, "Alert sink {Sink} stopped with {Count} event(s) undelivered")]
    public static partial void StoppedWithBacklog(ILogger logger, string sink, int count);

    [LoggerMessage(5012, LogLevel.Error, "Alert spool {Directory} could not be written (disk full or gone); this batch of {Accepted}+ event(s) was not spooled and the spool was put back as it was")]
    public static partial void SpoolWriteFailed(ILogger logger, Exception exception, string directory, int accepted);

    [LoggerMessage(5013, LogLevel.Warning, "Alert spool {Directory}: the delivery position could not be written (disk full or gone); delivery goes on, and a restart may send some delivered events again")]
    public static partial void SpoolCommitFailed(ILogger logger, Exception exception, string directory);
}
