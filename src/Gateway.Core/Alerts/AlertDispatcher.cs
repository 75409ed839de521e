using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NeuralSec.Gateway.Alerts.Formats;
using NeuralSec.Gateway.Alerts.Sinks;

namespace NeuralSec.Gateway.Alerts;

/// <summary>
/// The alert pipeline: <see cref="Publish"/> queues without blocking the request path; one background loop
/// aggregates floods (<see cref="AlertAggregator"/>) and fans events out to every sink's own bounded queue, each
/// drained by the sink's own loop, so a dead webhook cannot slow stdout or syslog.
/// <para>Stop: the publish queue is closed, open aggregation windows are flushed, and sinks get
/// <c>ShutdownTimeout</c> to drain; then they are told to stop, and the webhook spools what it still holds.</para>
/// </summary>
internal sealed class AlertDispatcher : IAlertPublisher, IHostedService, IAsyncDisposable, IDisposable
{
    private readonly AlertOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AlertDropReporter _drops;
    private readonly Channel<AlertEvent> _input;
    private readonly AlertAggregator _aggregator;
    private readonly List<SinkWorker> _workers;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lifecycle = new();
    private Task? _loop;
    private Task? _stopped;

    public AlertDispatcher(AlertOptions options, IReadOnlyList<IAlertSink> sinks, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options;
        _time = time;
        _logger = loggerFactory.CreateLogger("NeuralSec.Alerts");
        _drops = new AlertDropReporter(_logger, time);
        _input = Channel.CreateBounded<AlertEvent>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full queue refuses instead of waiting
            SingleReader = true,
        });
        _aggregator = new AlertAggregator(options.AggregationWindow, options.MaxAggregationKeys);
        var sinkOptions = AlertSinkFactory.EffectiveSinks(options);
        _workers = new List<SinkWorker>(sinks.Count);
        for (var i = 0; i < sinks.Count; i++)
        {
            _workers.Add(new SinkWorker(sinks[i], i < sinkOptions.Count ? sinkOptions[i].QueueCapacity : new AlertSinkOptions().QueueCapacity));
        }
    }

    /// <summary>The sinks, for diagnostics and tests.</summary>
    public IReadOnlyList<IAlertSink> Sinks => _workers.ConvertAll(w => w.Sink);

    /// <summary>Builds the dispatcher and its sinks from validated options.</summary>
    public static AlertDispatcher Create(AlertOptions options, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var product = AlertProduct.Create(options.ProductVersion);
        var sinks = options.Enabled ? AlertSinkFactory.Create(options, product, time, loggerFactory) : [];
        return new AlertDispatcher(options, sinks, time, loggerFactory);
    }

    public void Publish(AlertEvent alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (!_input.Writer.TryWrite(alert))
        {
            _drops.Drop(_stopped is null ? "queue_full" : "stopped");
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_lifecycle)
        {
            if (_loop is not null)
            {
                return Task.CompletedTask;
            }

            foreach (var worker in _workers)
            {
                worker.Start(_logger, _stopping.Token);
            }

            _loop = Task.Run(RunAsync, CancellationToken.None);
        }

        AlertLog.Started(_logger, string.Join(", ", _workers.Select(w => w.Sink.Name)), _options.AggregationWindow);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_lifecycle)
        {
            _stopped ??= StopCoreAsync(cancellationToken);
            return _stopped;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>For containers disposed synchronously. The host has normally stopped the dispatcher already, so this
    /// only closes the sinks; otherwise it waits for the same bounded drain as <see cref="StopAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        _input.Writer.TryComplete();
        if (_loop is null)
        {
            // Never started: nothing was delivered, and nothing will be.
            foreach (var worker in _workers)
            {
                await worker.Sink.DisposeAsync().ConfigureAwait(false);
            }

            return;
        }

        await _loop.ConfigureAwait(false);
        var all = Task.WhenAll(_workers.Select(w => w.Completion));
        using (var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            try
            {
                await all.WaitAsync(_options.ShutdownTimeout, _time, grace.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
            {
                // Out of time: sinks stop trying; the webhook spools what it holds.
            }
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await all.ConfigureAwait(false);
        foreach (var worker in _workers)
        {
            await worker.Sink.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        var due = new List<AlertEvent>();
        try
        {
            while (true)
            {
                var wait = _aggregator.NextDue is { } next ? next - _time.GetUtcNow() : Timeout.InfiniteTimeSpan;
                if (wait == Timeout.InfiniteTimeSpan)
                {
                    if (!await _input.Reader.WaitToReadAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                else if (wait > TimeSpan.Zero)
                {
                    await ChannelBatches.WaitAsync(_input.Reader, wait, _time, CancellationToken.None).ConfigureAwait(false);
                }

                var now = _time.GetUtcNow();
                while (_input.Reader.TryRead(out var alert))
                {
                    if (_aggregator.Offer(alert, now, due) is { } emit)
                    {
                        FanOut(due);
                        FanOut(emit);
                    }
                }

                _aggregator.Flush(_time.GetUtcNow(), due);
                FanOut(due);
                if (_input.Reader.Completion.IsCompleted)
                {
                    break;
                }
            }

            // Shutting down: folded occurrences are reported rather than forgotten.
            _aggregator.FlushAll(due);
            FanOut(due);
        }
        catch (Exception exception)
        {
            // A bug here would silently end the SOC feed; say so as loudly as a sink failure.
            AlertLog.SinkCrashed(_logger, exception, "dispatcher");
        }
        finally
        {
            foreach (var worker in _workers)
            {
                worker.Complete();
            }
        }
    }

    private void FanOut(List<AlertEvent> due)
    {
        foreach (var alert in due)
        {
            FanOut(alert);
        }

        due.Clear();
    }

    private void FanOut(AlertEvent alert)
    {
        foreach (var worker in _workers)
        {
            if (!worker.TryEnqueue(alert))
            {
                AlertMetrics.Alerts.WithLabels(worker.Sink.Name, "dropped").Inc();
                _drops.Drop("sink_queue_full");
            }
        }
    }

    /// <summary>One sink with its own queue and loop.</summary>
    private sealed class SinkWorker(IAlertSink sink, int capacity)
    {
        private readonly Channel<AlertEvent> _queue = Channel.CreateBounded<AlertEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });

        public IAlertSink Sink => sink;

        public Task Completion { get; private set; } = Task.CompletedTask;

        public void Start(ILogger logger, CancellationToken stopping) => Completion = Task.Run(async () =>
        {
            try
            {
                await sink.RunAsync(_queue.Reader, stopping).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                AlertLog.SinkCrashed(logger, exception, sink.Name);
            }
        }, CancellationToken.None);

        public bool TryEnqueue(AlertEvent alert) => _queue.Writer.TryWrite(alert);

        public void Complete() => _queue.Writer.TryComplete();
    }
}
