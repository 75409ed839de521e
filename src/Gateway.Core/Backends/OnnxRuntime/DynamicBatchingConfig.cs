namespace NeuralSec.Gateway.Backends.OnnxRuntime;

/// <summary>
/// <c>dynamicBatching:</c> in a model's <c>config.yaml</c>, NeuralSec's counterpart of Triton's
/// <c>dynamic_batching { max_queue_delay_microseconds }</c> with the largest batch it forms: concurrent requests for
/// the same version whose inputs agree in every dimension but the first run as one execution. Absent: every
/// request runs alone, as before.
/// </summary>
internal sealed class DynamicBatchingConfig
{
    /// <summary>The longest <see cref="MaxQueueDelayMicroseconds"/> accepted: a second is a slip of µs for ms, not a plan.</summary>
    public const int MaxQueueDelayLimit = 1_000_000;

    /// <summary>Requests held per batch slot: the queue holds at most <c>maxBatchSize × QueueDepthPerRow</c> requests;
    /// a caller beyond it waits for room (within its deadline) rather than growing it.</summary>
    public const int QueueDepthPerRow = 4;

    /// <summary>How long the oldest queued request may wait for others to join its batch (Triton's
    /// <c>max_queue_delay_microseconds</c>). 0, the default as in Triton: run whatever is queued as soon as the model is
    /// free — batches still form under load, while an execution runs.</summary>
    public int MaxQueueDelayMicroseconds { get; set; }

    /// <summary>The most rows (the first dimension, summed over the requests) in one execution; a full batch runs at
    /// once. Default: the model's <c>maxBatch</c>.</summary>
    public int? MaxBatchSize { get; set; }

    /// <summary>The errors of this section, given the model's <c>maxBatch</c>; empty when it is valid.</summary>
    public IEnumerable<string> Check(int? maxBatch)
    {
        if (maxBatch is null)
        {
            // Triton likewise refuses dynamic_batching without max_batch_size > 0: the batch is the first dimension.
            yield return "dynamicBatching needs maxBatch (the largest batch the model accepts): requests are batched along their first dimension";
        }

        if (MaxQueueDelayMicroseconds is < 0 or > MaxQueueDelayLimit)
        {
            yield return $"dynamicBatching.maxQueueDelayMicroseconds must be between 0 and {MaxQueueDelayLimit:N0} (1 s), not {MaxQueueDelayMicroseconds}";
        }

        if (MaxBatchSize is { } size && (size < 2 || (maxBatch is { } max && size > max)))
        {
            yield return $"dynamicBatching.maxBatchSize must be between 2 and maxBatch ({(maxBatch is null ? "unset" : maxBatch.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))}), not {size}";
        }
        else if (MaxBatchSize is null && maxBatch is < 2)
        {
            yield return $"dynamicBatching with maxBatch {maxBatch} cannot batch: maxBatch must be at least 2";
        }
    }

    /// <summary>The effective largest batch, once <see cref="Check"/> passed.</summary>
    public int EffectiveMaxBatchSize(int maxBatch) => MaxBatchSize ?? maxBatch;
}
