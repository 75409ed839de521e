using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Logging;
using Prometheus;

namespace NeuralSec.Gateway.Backends.OnnxRuntime;

/// <summary>
/// Triton-style dynamic batching for one model version of the embedded backend. Callers queue their request; one
/// loop takes the oldest, adds every queued request that can share its execution
/// (<see cref="PendingInference.CanBatchWith"/>) up to <c>maxBatchSize</c> rows, waits for more until the oldest has
/// waited <c>maxQueueDelay</c> — a full batch runs at once — then runs them as one <see cref="OnnxModel.RunBatch"/>
/// and hands each caller its rows. Requests that cannot share keep their place for a later batch.
/// <para>
/// Bounded: the channel holds at most <c>maxBatchSize × 4</c> requests (a caller beyond waits for room within its own
/// deadline) and the loop holds at most as many that it has read but not yet run. One execution at a time: the
/// session's intra-op threads already use every core for it. A caller's cancellation answers it at once and the
/// batch leaves it out, or discards its rows if already running; the others are unaffected. The loop survives any
/// fault (the batch it was forming is answered INTERNAL) and stops when disposed, answering what still waits
/// UNAVAILABLE.
/// </para>
/// </summary>
internal sealed class DynamicBatcher : IDisposable
{
    /// <summary>Waits shorter than this spin (yielding the core at each turn) instead of sleeping: .NET's timers
    /// cannot wait less than a millisecond (a shorter delay returns at once, a longer one wakes up to several ms
    /// late), and queue delays are tens to hundreds of µs.</summary>
    private static readonly TimeSpan SpinBelow = TimeSpan.FromMilliseconds(2);

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly OnnxModel _model;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Histogram.Child _batchSizes;
    private readonly long _delayTicks;
    private readonly long _spinBelowTicks;
    private readonly Channel<PendingInference> _queue;

    /// <summary>Read from the channel but not yet run (they did not match or fit the batch being formed), oldest
    /// first; only the loop touches it.</summary>
    private readonly List<PendingInference> _held;

    /// <summary>One for every execution: it is only ever terminated, when the batcher stops.</summary>
    private readonly RunOptions _runOptions = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    public DynamicBatcher(OnnxModel model, int maxBatchSize, TimeSpan maxQueueDelay, TimeProvider time, Histogram.Child batchSizes, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        _model = model;
        _time = time;
        _logger = logger;
        _batchSizes = batchSizes;
        MaxBatchSize = maxBatchSize;
        MaxQueueDelay = maxQueueDelay;
        Capacity = maxBatchSize * DynamicBatchingConfig.QueueDepthPerRow;
        _delayTicks = (long)(maxQueueDelay.TotalSeconds * time.TimestampFrequency);
        _spinBelowTicks = (long)(SpinBelow.TotalSeconds * time.TimestampFrequency);
        _queue = Channel.CreateBounded<PendingInference>(new BoundedChannelOptions(Capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _held = new List<PendingInference>(Capacity);
        model.Statistics.MeasureQueue();
        _loop = Task.Run(LoopAsync);
    }

    public int MaxBatchSize { get; }

    public TimeSpan MaxQueueDelay { get; }

    /// <summary>Requests the channel holds at most.</summary>
    public int Capacity { get; }

    /// <summary>Why <paramref name="model"/> cannot batch, or null when every input and output has a variable first
    /// dimension (the batch) to concatenate and split along.</summary>
    public static string? CannotBatch(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var (kind, specs) in new[] { ("input", model.Inputs), ("output", model.Outputs) })
        {
            foreach (var spec in specs)
            {
                if (spec.Shape.Length == 0 || spec.Shape[0] != -1)
                {
                    return $"dynamicBatching needs a batch dimension: the first dimension of every input and output must be variable (-1), and {kind} '{spec.Name}' has shape {TensorShape.Format(spec.Shape)}";
                }
            }
        }

        return null;
    }

    /// <summary>The rows <paramref name="request"/> adds to a batch, or null when it must run alone
    /// (<see cref="PendingInference.RowsOf"/>).</summary>
    public int? RowsOf(BackendInferRequest request) => PendingInference.RowsOf(request, MaxBatchSize);

    /// <summary>Queues the request and answers its own rows of its batch's outputs.</summary>
    /// <exception cref="BackendException">DEADLINE_EXCEEDED when <paramref name="cancellationToken"/> fires first,
    /// INTERNAL when the batch's execution failed, UNAVAILABLE when the batcher stopped.</exception>
    public async Task<IReadOnlyList<InferenceTensor>> InferAsync(BackendInferRequest request, int rows, CancellationToken cancellationToken)
    {
        var pending = new PendingInference(request, rows, _time.GetTimestamp());
        if (cancellationToken.IsCancellationRequested)
        {
            _model.Statistics.RecordFailure(0);
            throw OnnxRunErrors.Cancelled();
        }

        if (!_queue.Writer.TryWrite(pending))
        {
            try
            {
                await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                _model.Statistics.RecordFailure(_time.GetTimestamp() - pending.Arrived);
                throw OnnxRunErrors.Cancelled();
            }
            catch (ChannelClosedException)
            {
                throw OnnxRunErrors.Stopped();
            }
        }

        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.Register(() => Settle(pending, OnnxRunErrors.Cancelled()))
            : default;
        return await pending.Answer.ConfigureAwait(false);
    }

    /// <summary>Stops the loop: new requests are refused, those waiting answered UNAVAILABLE, a running execution
    /// terminated.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _stopping.Cancel();
        _runOptions.Terminate = true;
        if (_loop.Wait(StopTimeout))
        {
            _runOptions.Dispose();
        }

        _stopping.Dispose();
    }

    private async Task LoopAsync()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            List<PendingInference>? batch = null;
            try
            {
                batch = await NextBatchAsync(stopping).ConfigureAwait(false);
                if (batch is null)
                {
                    break;
                }

                Execute(batch);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The loop's own fault, or an execution that cannot be split (the model's plain failures are
                // answered in Execute): this batch's callers get INTERNAL; the next batch starts afresh.
                Log.DynamicBatchFault(_logger, ex, _model.Name, _model.Version, batch?.Count ?? 0);
                if (batch is not null)
                {
                    SettleAll(batch, () => OnnxRunErrors.Failed(ex));
                }
            }
        }

        SettleAll(_held, OnnxRunErrors.Stopped);
        _held.Clear();
        while (_queue.Reader.TryRead(out var pending))
        {
            Settle(pending, OnnxRunErrors.Stopped());
        }
    }

    /// <summary>The next batch: the oldest request waiting, those already read that can join it, then arrivals until
    /// it is full or its head has waited the queue delay. Null once the channel is closed and empty.</summary>
    private async ValueTask<List<PendingInference>?> NextBatchAsync(CancellationToken stopping)
    {
        while (true)
        {
            _held.RemoveAll(static p => p.IsSettled);
            while (_held.Count < Capacity && _queue.Reader.TryRead(out var arrived))
            {
                if (!arrived.IsSettled)
                {
                    _held.Add(arrived);
                }
            }

            if (_held.Count > 0)
            {
                break;
            }

            if (!await _queue.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                return null;
            }
        }

        var head = _held[0];
        var batch = new List<PendingInference>(Math.Min(MaxBatchSize, 64)) { head };
        var rows = head.Rows;
        var kept = 0;
        for (var i = 1; i < _held.Count; i++)
        {
            var waiting = _held[i];
            if (rows + waiting.Rows <= MaxBatchSize && head.CanBatchWith(waiting))
            {
                batch.Add(waiting);
                rows += waiting.Rows;
            }
            else
            {
                _held[kept++] = waiting;
            }
        }

        _held.RemoveRange(kept, _held.Count - kept);
        var deadline = head.Arrived + _delayTicks;
        while (rows < MaxBatchSize && _held.Count < Capacity)
        {
            if (_queue.Reader.TryRead(out var arrived))
            {
                if (arrived.IsSettled)
                {
                    continue;
                }

                if (rows + arrived.Rows > MaxBatchSize)
                {
                    // Full, unless callers in it have left meanwhile: their places go to this one.
                    rows -= RemoveSettled(batch);
                }

                if (rows + arrived.Rows <= MaxBatchSize && head.CanBatchWith(arrived))
                {
                    batch.Add(arrived);
                    rows += arrived.Rows;
                }
                else
                {
                    _held.Add(arrived);
                }

                continue;
            }

            var remaining = deadline - _time.GetTimestamp();
            if (remaining <= 0 || stopping.IsCancellationRequested)
            {
                break;
            }

            await WaitForArrivalAsync(deadline, remaining, stopping).ConfigureAwait(false);
        }

        return batch;
    }

    /// <summary>Drops the callers that left from <paramref name="batch"/>; the rows they took.</summary>
    private static int RemoveSettled(List<PendingInference> batch)
    {
        var freed = 0;
        foreach (var pending in batch)
        {
            freed += pending.IsSettled ? pending.Rows : 0;
        }

        batch.RemoveAll(static p => p.IsSettled);
        return freed;
    }

    /// <summary>Returns when a request arrives or the deadline passes, whichever is first.</summary>
    private async ValueTask WaitForArrivalAsync(long deadline, long remaining, CancellationToken stopping)
    {
        if (remaining < _spinBelowTicks)
        {
            var spin = default(SpinWait);
            while (!_queue.Reader.TryPeek(out _) && _time.GetTimestamp() < deadline && !stopping.IsCancellationRequested)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            return;
        }

        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var timer = Task.Delay(TimeSpan.FromSeconds((double)remaining / _time.TimestampFrequency), _time, wake.Token);
        var arrival = _queue.Reader.WaitToReadAsync(wake.Token).AsTask();
        await Task.WhenAny(timer, arrival).ConfigureAwait(false);
        await wake.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>Runs one batch and answers each caller still waiting with its rows, or every one with the error the
    /// unbatched path would give.</summary>
    private void Execute(List<PendingInference> batch)
    {
        batch.RemoveAll(static p => p.IsSettled);
        if (batch.Count == 0)
        {
            return;
        }

        var inputs = new IReadOnlyList<InferenceTensor>[batch.Count];
        var rows = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            inputs[i] = batch[i].Request.Inputs;
            rows += batch[i].Rows;
        }

        var started = _time.GetTimestamp();
        IReadOnlyList<InferenceTensor>[] outputs;
        RunPhases phases;
        try
        {
            outputs = _model.RunBatch(inputs, batch[0].Request.RequestedOutputs, _runOptions, out phases);
        }
        catch (OnnxRuntimeException) when (_stopping.IsCancellationRequested)
        {
            SettleAll(batch, OnnxRunErrors.Stopped);
            return;
        }
        catch (OnnxRuntimeException ex)
        {
            Log.BackendFault(_logger, ex, nameof(BackendError.Internal), ex.Message);
            SettleAll(batch, () => OnnxRunErrors.Failed(ex));
            return;
        }

        _batchSizes.Observe(rows);
        var answered = _time.GetTimestamp();
        long delivered = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var pending = batch[i];
            if (pending.TrySucceed(outputs[i]))
            {
                delivered += pending.Rows;
                _model.Statistics.RecordBatchedSuccess(answered - pending.Arrived, started - pending.Arrived, phases);
            }
        }

        _model.Statistics.RecordExecution(delivered);
    }

    /// <summary>Fails each caller still waiting, each with its own exception (one instance awaited by many callers at
    /// once would have its stack trace written by all of them).</summary>
    private void SettleAll(List<PendingInference> batch, Func<BackendException> error)
    {
        foreach (var pending in batch)
        {
            Settle(pending, error());
        }
    }

    /// <summary>Fails a caller still waiting, counting it as a failed request (as the unbatched path does).</summary>
    private void Settle(PendingInference pending, BackendException error)
    {
        if (pending.TryFail(error))
        {
            _model.Statistics.RecordFailure(_time.GetTimestamp() - pending.Arrived);
        }
    }
}
