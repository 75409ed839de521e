using Microsoft.Extensions.Logging;

namespace NeuralSec.Gateway.Policy.Runtime;

/// <summary>The policy store's log events (4xxx), source-generated.</summary>
internal static partial class PolicyLog
{
    [LoggerMessage(4001, LogLevel.Information, "Policies loaded from {Directory}: generation {Generation}, {Count} policies ({Policies})")]
    public static partial void Loaded(ILogger logger, string directory, long generation, int count, string policies);

    [LoggerMessage(4002, LogLevel.Error, "Policy reload refused, generation {Generation} keeps serving: {ErrorCount} errors in {Directory}:\n{Errors}")]
    public static partial void ReloadRefused(ILogger logger, long generation, int errorCount, string directory, string errors);

    [LoggerMessage(4003, LogLevel.Error, "Policy directory {Directory} could not be read; generation {Generation} keeps serving")]
    public static partial void ReadFailed(ILogger logger, Exception exception, string directory, long generation);

    [LoggerMessage(4005, LogLevel.Warning, "File-system events unavailable for {Directory}; relying on polling every {PollInterval}")]
    public static partial void WatcherUnavailable(ILogger logger, Exception exception, string directory, TimeSpan pollInterval);

    [LoggerMessage(4006, LogLevel.Debug, "Policy directory {Directory} changed ({Trigger}); revalidating")]
    public static partial void ChangeDetected(ILogger logger, string directory, string trigger);
}
