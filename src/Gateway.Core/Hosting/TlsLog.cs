using Microsoft.Extensions.Logging;

namespace NeuralSec.Gateway.Hosting;

/// <summary>Source-generated logs of the TLS listeners (event ids 6100–6199).</summary>
internal static partial class TlsLog
{
    [LoggerMessage(6101, LogLevel.Information, "TLS certificate reloaded: {Subject} ({Thumbprint}), valid until {NotAfter:u}")]
    public static partial void Reloaded(ILogger logger, string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(6102, LogLevel.Error, "TLS certificate change refused ({CertificatePath}, {KeyPath}); still serving {Subject} ({Thumbprint})")]
    public static partial void ReloadRefused(ILogger logger, Exception exception, string certificatePath, string keyPath, string subject, string thumbprint);

    [LoggerMessage(6103, LogLevel.Warning, "TLS certificate files could not be read after a {Trigger} ({CertificatePath}, {KeyPath}); will try again")]
    public static partial void ReadFailed(ILogger logger, Exception exception, string certificatePath, string keyPath, string trigger);

    [LoggerMessage(6104, LogLevel.Warning, "No file-system events for TLS files in {Directory}; changes are found by polling every {PollInterval}")]
    public static partial void WatcherUnavailable(ILogger logger, Exception? exception, string directory, TimeSpan pollInterval);
}
