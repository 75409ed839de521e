using System.Threading.Channels;
using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.Alerts.Sinks;

namespace NeuralSec.Gateway.Tests.Alerts;

/// <summary>A sink that keeps what it gets; or, with <c>stuck</c>, never reads, like a hung receiver.</summary>
internal sealed class RecordingSink(string name, bool stuck = false) : IAlertSink
{
    private readonly Lock gate = new();
    private readonly List<AlertEvent> received = [];

    public string Name => name;

    public IReadOnlyList<AlertEvent> Received
    {
        get
        {
            lock (gate)
            {
                return [.. received];
            }
        }
    }

    public async Task RunAsync(ChannelReader<AlertEvent> events, CancellationToken stopping)
    {
        try
        {
            if (stuck)
            {
                await Task.Delay(Timeout.Infinite, stopping);
            }

            await foreach (var alert in events.ReadAllAsync(stopping))
            {
                lock (gate)
                {
                    received.Add(alert);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
