using System.Diagnostics.CodeAnalysis;
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
/// One execution at a time (the session's intra-op threads already use every core for it). With no queue delay, a
/// request that finds the model idle and nothing queued runs at once on its caller's thread
/// (<see cref="TryRunAlone"/>), as without batching: a lone request pays no hand-over to the loop and back, and
/// batches form from the requests that arrive while an execution runs.
/// </para>
/// <para>
/// Bounded: the channel holds at most <c>maxBatchSize × 4</c> requests (a caller beyond waits for room within its own
/// deadline) and the loop holds at most as many that it has read but not yet run. A caller's cancellation answers it
/// at once and the batch leaves it out, or discards its rows if already running; the others are unaffected. The loop
/// survives any fault (the batch it was forming is answered INTERNAL) and stops when disposed, answering what still
/// waits UNAVAILABLE.
/// </para>
/// </summary>
internal sealed class DynamicBatcher : IDisposable
{
    /// <summary>Waits shorter than this poll in <see cref="MicroSleep"/> slices instead of sleeping on a timer: .NET's
    /// timers cannot wait less than a millisecond (a shorter delay returns at once, a longer one wakes up to several
    /// ms late), and queue delays are tens to hundreds of µs.</summary>
    private static readonly TimeSpan PollBelow = TimeSpan.FromMilliseconds(2);

    /// <summary>One poll's sleep while waiting for companions: the kernel adds its own slack (about 50 µs).</summary>
    private const int PollMicroseconds = 50;

    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly OnnxModel _model;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Histogram.Child _batchSizes;
    private readonly long _delayTicks;
    private readonly long _pollBelowTicks;
    private readonly Channel<PendingInference> _queue;

    /// <summary>Read from the channel but not yet run (they did not match or fit the batch being formed), oldest
    /// first; only the loop touches it.</summary>
    private readonly List<PendingInference> _held;

    /// <summary>Held by whoever executes: the loop for a batch, a caller for its request alone (<see cref="TryEnterIdle"/>).
    /// Never disposed: a caller may still try it while the batcher stops.</summary>
    private readonly SemaphoreSlim _execution = new(1, 1);

    /// <summary>One for every execution: it is only ever terminated, when the batcher stops.</summary>
    private readonly RunOptions _runOptions = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;

    /// <summary>Requests queued or held, not yet taken into a batch: while any wait, no caller may run alone.</summary>
    private int _waiting;

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
        _pollBelowTicks = (long)(PollBelow.TotalSeconds * time.TimestampFrequency);
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

    /// <summary>Requests in the channel that the loop has not read yet (tests: a request the loop has taken).</summary>
    internal int Queued => _queue.Reader.Count;

    /// <summary>The batcher <paramref name="model"/>'s <paramref name="config"/> asks for (its <c>dynamicBatching</c>), started
    /// and logged; null when the config does not ask for one. One rule for served models (the embedded backend) and the
    /// detectors' auxiliary models.</summary>
    /// <exception cref="InvalidDataException">The config asks for batching the model cannot do (named with
    /// <paramref name="configPath"/>).</exception>
    public static DynamicBatcher? FromConfig(OnnxModel model, ModelConfig config, string configPath, TimeProvider time, Histogram.Child batchSizes, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        if (config.DynamicBatching is not { } batching)
        {
            return null;
        }

        if (CannotBatch(model) is { } reason)
        {
            throw new InvalidDataException($"{configPath}: {reason}");
        }

        var batcher = new DynamicBatcher(model, batching.EffectiveMaxBatchSize(config.MaxBatch!.Value), TimeSpan.FromMicroseconds(batching.MaxQueueDelayMicroseconds), time, batchSizes, logger);
        Log.DynamicBatchingOn(logger, model.Name, model.Version, batcher.MaxBatchSize, batching.MaxQueueDelayMicroseconds, batcher.Capacity);
        return batcher;
    }

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

    /// <summary>True when the caller may run its request itself, at once, as without batching: there is no queue delay,
    /// nothing waits and no execution runs. The caller must then call <see cref="ExitIdle"/> when its run is over;
    /// requests arriving meanwhile queue, and the loop batches them once it has.</summary>
    public bool TryEnterIdle()
    {
        if (_delayTicks != 0 || Volatile.Read(ref _waiting) != 0 || !_execution.Wait(0))
        {
            return false;
        }

        if (Volatile.Read(ref _waiting) == 0)
        {
            return true;
        }

        _execution.Release();
        return false;
    }

    /// <summary>Ends the run <see cref="TryEnterIdle"/> allowed.</summary>
    public void ExitIdle() => _execution.Release();

    /// <summary>Runs the request on the caller's thread, at once, when the model is idle (<see cref="TryEnterIdle"/>),
    /// and says whether it did; the caller queues it (<see cref="InferAsync"/>) when not. The one place the rule is
    /// applied, for served models and auxiliary ones; <paramref name="run"/> takes its state so that a static lambda
    /// needs no closure per request.</summary>
    public bool TryRunAlone<TState, TResult>(Func<TState, TResult> run, TState state, [MaybeNullWhen(false)] out TResult result)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!TryEnterIdle())
        {
            result = default;
            return false;
        }

        try
        {
            result = run(state);
            return true;
        }
        finally
        {
            ExitIdle();
        }
    }

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

        // Counted before it is visible, so that no caller runs alone past it.
        Interlocked.Increment(ref _waiting);
        if (!_queue.Writer.TryWrite(pending))
        {
            try
            {
                await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Interlocked.Decrement(ref _waiting);
                _model.Statistics.RecordFailure(_time.GetTimestamp() - pending.Arrived);
                throw OnnxRunErrors.Cancelled();
            }
            catch (ChannelClosedException)
            {
                Interlocked.Decrement(ref _waiting);
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
        // Terminate first: cancelling may run the loop on to its next execution on this very thread.
        _runOptions.Terminate = true;
        _queue.Writer.TryComplete();
        _stopping.Cancel();
        if (_loop.Wait(StopTimeout))
        {
            // Only once the loop is over: a loop still stuck in the model keeps using both.
            _runOptions.Dispose();
            _stopping.Dispose();
        }
    }

    private async Task LoopAsync()
    {
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            List<PendingInference>? batch = null;
            try
            {
                if (!await WaitForRequestsAsync(stopping).ConfigureAwait(false))
                {
                    break;
                }

                await _execution.WaitAsync(stopping).ConfigureAwait(false);
                try
                {
                    // Formed once the model is free: what queued while it ran is in it.
                    batch = await NextBatchAsync(stopping).ConfigureAwait(false);
                    Execute(batch);
                }
                finally
                {
                    _execution.Release();
                }
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

    /// <summary>Waits until a request waits; false once the channel is closed and empty.</summary>
    private async ValueTask<bool> WaitForRequestsAsync(CancellationToken stopping)
    {
        while (true)
        {
            Drain();
            if (_held.Count > 0)
            {
                return true;
            }

            if (!await _queue.Reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                return false;
            }
        }
    }

    /// <summary>Moves arrivals from the channel to the held list (up to its bound) and drops callers that left.</summary>
    private void Drain()
    {
        var left = _held.RemoveAll(static p => p.IsSettled);
        while (_held.Count < Capacity && _queue.Reader.TryRead(out var arrived))
        {
            if (arrived.IsSettled)
            {
                left++;
            }
            else
            {
                _held.Add(arrived);
            }
        }

        Interlocked.Add(ref _waiting, -left);
    }

    /// <summary>The next batch: the oldest request waiting, those already read that can join it, then arrivals until
    /// it is full or its head has waited the queue delay. Empty when every caller waiting has left.</summary>
    private async ValueTask<List<PendingInference>> NextBatchAsync(CancellationToken stopping)
    {
        Drain();
        if (_held.Count == 0)
        {
            return [];
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
        Interlocked.Add(ref _waiting, -batch.Count);
        var deadline = head.Arrived + _delayTicks;
        while (_held.Count < Capacity)
        {
            // Full, unless callers in it have left meanwhile: their places go to later arrivals (counting a caller that
            // left as a row would run a smaller batch, and leave the next arrival to wait the whole delay alone).
            if (rows >= MaxBatchSize)
            {
                rows -= RemoveSettled(batch);
                if (rows >= MaxBatchSize)
                {
                    break;
                }
            }

            if (_queue.Reader.TryRead(out var arrived))
            {
                if (rows + arrived.Rows > MaxBatchSize)
                {
                    // Full, unless callers in it have left meanwhile: their places go to this one.
                    rows -= RemoveSettled(batch);
                }

                if (arrived.IsSettled)
                {
                    Interlocked.Decrement(ref _waiting);
                }
                else if (rows + arrived.Rows <= MaxBatchSize && head.CanBatchWith(arrived))
                {
                    batch.Add(arrived);
                    rows += arrived.Rows;
                    Interlocked.Decrement(ref _waiting);
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
        if (remaining < _pollBelowTicks)
        {
            // Blocks this pool thread for less than PollBelow in all: the batch cannot run before anyway.
            var spin = default(SpinWait);
            while (!_queue.Reader.TryPeek(out _) && _time.GetTimestamp() < deadline && !stopping.IsCancellationRequested)
            {
                if (!MicroSleep.TrySleep(PollMicroseconds))
                {
                    spin.SpinOnce(sleep1Threshold: -1);
                }
            }

            return;
        }

        // Rounded up, so the timer never fires before the deadline: a timer callback may run this loop inline (a fake
        // clock's does, on the thread that moves it), and a remainder left to poll would then block that thread.
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var timeout = TimeSpan.FromTicks((long)Math.Ceiling(remaining * (double)TimeSpan.TicksPerSecond / _time.TimestampFrequency));
        var timer = Task.Delay(timeout, _time, wake.Token);
        var arrival = _queue.Reader.WaitToReadAsync(wake.Token).AsTask();
        await Task.WhenAny(timer, arrival).ConfigureAwait(false);
        await wake.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>Runs one batch and answers each caller still waiting with its rows; when the batched execution fails,
    /// runs each request alone, so each caller gets what the unbatched path would have given it.</summary>
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
        catch (Exception ex) when (batch.Count > 1 && ex is OnnxRuntimeException or InvalidDataException)
        {
            // One request can fail a whole execution (an index out of range, outputs that cannot be split by
            // request): batching must not let one caller fail the others, so each runs alone, as without batching.
            Log.DynamicBatchIsolated(_logger, _model.Name, _model.Version, batch.Count, ex.Message);
            foreach (var pending in batch)
            {
                Execute([pending]);
            }

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
