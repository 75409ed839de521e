using System.Threading.Channels;

namespace NeuralSec.Gateway.Alerts.Sinks;

/// <summary>A destination for alerts. The dispatcher gives each sink its own bounded queue and runs
/// <see cref="RunAsync"/> on it, so a slow or dead receiver fills only its own queue.</summary>
internal interface IAlertSink : IAsyncDisposable
{
    /// <summary>The <c>sink</c> label in metrics and logs.</summary>
    string Name { get; }

    /// <summary>Delivers events until the queue is completed and drained, or until <paramref name="stopping"/> fires,
    /// when the sink stops trying and keeps (spools) or counts as dropped what is left. Delivery errors are handled,
    /// counted and logged inside; the task only faults on a bug.</summary>
    Task RunAsync(ChannelReader<AlertEvent> events, CancellationToken stopping);
}
