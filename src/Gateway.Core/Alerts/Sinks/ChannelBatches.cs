using System.Threading.Channels;

namespace NeuralSec.Gateway.Alerts.Sinks;

/// <summary>Reading a queue in batches: wait for one event, then take what else arrives within the flush interval.</summary>
internal static class ChannelBatches
{
    /// <summary>The next batch of at most <paramref name="maxCount"/> events; empty once the queue is completed and
    /// drained. Waits for the first event without limit, then at most <paramref name="flushInterval"/> for the rest.</summary>
    public static async Task<List<T>> ReadAsync<T>(
        ChannelReader<T> reader, int maxCount, TimeSpan flushInterval, TimeProvider time, CancellationToken cancellationToken)
    {
        var batch = new List<T>();
        if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return batch;
        }

        TakeAvailable(reader, batch, maxCount);
        if (batch.Count >= maxCount || flushInterval <= TimeSpan.Zero)
        {
            return batch;
        }

        var deadline = time.GetUtcNow() + flushInterval;
        while (batch.Count < maxCount)
        {
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero || !await WaitAsync(reader, left, time, cancellationToken).ConfigureAwait(false))
            {
                break;
            }

            TakeAvailable(reader, batch, maxCount);
        }

        return batch;
    }

    /// <summary>Waits until an event is available, the queue completes, or <paramref name="delay"/> passes (on the
    /// given clock). True when an event is available.</summary>
    public static async Task<bool> WaitAsync<T>(ChannelReader<T> reader, TimeSpan delay, TimeProvider time, CancellationToken cancellationToken)
    {
        if (reader.TryPeek(out _))
        {
            return true;
        }

        if (delay <= TimeSpan.Zero)
        {
            return false;
        }

        using var timeout = new CancellationTokenSource(delay, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public static void TakeAvailable<T>(ChannelReader<T> reader, List<T> batch, int maxCount)
    {
        while (batch.Count < maxCount && reader.TryRead(out var item))
        {
            batch.Add(item);
        }
    }
}
