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
    private readonly AlertOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly AlertDropReporter drops;
    private readonly Channel<AlertEvent> input;
    private readonly AlertAggregator aggregator;
    private readonly List<SinkWorker> workers;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock lifecycle = new();
    private Task? loop;
    private Task? stopped;

    public AlertDispatcher(AlertOptions options, IReadOnlyList<IAlertSink> sinks, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        this.options = options;
        this.time = time;
        logger = loggerFactory.CreateLogger("NeuralSec.Alerts");
        drops = new AlertDropReporter(logger, time);
        input = Channel.CreateBounded<AlertEvent>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full queue refuses instead of waiting
            SingleReader = true,
        });
        aggregator = new AlertAggregator(options.AggregationWindow, options.MaxAggregationKeys);
        var sinkOptions = AlertSinkFactory.EffectiveSinks(options);
        workers = new List<SinkWorker>(sinks.Count);
        for (var i = 0; i < sinks.Count; i++)
        {
            workers.Add(new SinkWorker(sinks[i], i < sinkOptions.Count ? sinkOptions[i].QueueCapacity : new AlertSinkOptions().QueueCapacity));
        }
    }

    /// <summary>The sinks, for diagnostics and tests.</summary>
    public IReadOnlyList<IAlertSink> Sinks => workers.ConvertAll(w => w.Sink);

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
        if (!input.Writer.TryWrite(alert))
        {
            drops.Drop(stopped is null ? "queue_full" : "stopped");
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (lifecycle)
        {
            if (loop is not null)
            {
                return Task.CompletedTask;
            }

            foreach (var worker in workers)
            {
                worker.Start(logger, stopping.Token);
            }

            loop = Task.Run(RunAsync, CancellationToken.None);
        }

        AlertLog.Started(logger, string.Join(", ", workers.Select(w => w.Sink.Name)), options.AggregationWindow);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (lifecycle)
        {
            stopped ??= StopCoreAsync(cancellationToken);
            return stopped;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None);
        stopping.Dispose();
    }

    /// <summary>For containers disposed synchronously. The host has normally stopped the dispatcher already, so this
    /// only closes the sinks; otherwise it waits for the same bounded drain as <see cref="StopAsync"/>.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        input.Writer.TryComplete();
        if (loop is null)
        {
            // Never started: nothing was delivered, and nothing will be.
            foreach (var worker in workers)
            {
                await worker.Sink.DisposeAsync();
            }

            return;
        }

        await loop;
        var all = Task.WhenAll(workers.Select(w => w.Completion));
        using (var grace = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            try
            {
                await all.WaitAsync(options.ShutdownTimeout, time, grace.Token);
            }
            catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
            {
                // Out of time: sinks stop trying; the webhook spools what it holds.
            }
        }

        await stopping.CancelAsync();
        await all;
        foreach (var worker in workers)
        {
            await worker.Sink.DisposeAsync();
        }
    }

    private async Task RunAsync()
    {
        var due = new List<AlertEvent>();
        try
        {
            while (true)
            {
                var wait = aggregator.NextDue is { } next ? next - time.GetUtcNow() : Timeout.InfiniteTimeSpan;
                if (wait == Timeout.InfiniteTimeSpan)
                {
                    if (!await input.Reader.WaitToReadAsync())
                    {
                        break;
                    }
                }
                else if (wait > TimeSpan.Zero)
                {
                    await ChannelBatches.WaitAsync(input.Reader, wait, time, CancellationToken.None);
                }

                var now = time.GetUtcNow();
                while (input.Reader.TryRead(out var alert))
                {
                    if (aggregator.Offer(alert, now, due) is { } emit)
                    {
                        FanOut(due);
                        FanOut(emit);
                    }
                }

                aggregator.Flush(time.GetUtcNow(), due);
                FanOut(due);
                if (input.Reader.Completion.IsCompleted)
                {
                    break;
                }
            }

            // Shutting down: folded occurrences are reported rather than forgotten.
            aggregator.FlushAll(due);
            FanOut(due);
        }
        catch (Exception exception)
        {
            // A bug here would silently end the SOC feed; say so as loudly as a sink failure.
            AlertLog.SinkCrashed(logger, exception, "dispatcher");
        }
        finally
        {
            foreach (var worker in workers)
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
        foreach (var worker in workers)
        {
            if (!worker.TryEnqueue(alert))
            {
                AlertMetrics.Alerts.WithLabels(worker.Sink.Name, "dropped").Inc();
                drops.Drop("sink_queue_full");
            }
        }
    }

    /// <summary>One sink with its own queue and loop.</summary>
    private sealed class SinkWorker(IAlertSink sink, int capacity)
    {
        private readonly Channel<AlertEvent> queue = Channel.CreateBounded<AlertEvent>(new BoundedChannelOptions(capacity)
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
                await sink.RunAsync(queue.Reader, stopping);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                AlertLog.SinkCrashed(logger, exception, sink.Name);
            }
        }, CancellationToken.None);

        public bool TryEnqueue(AlertEvent alert) => queue.Writer.TryWrite(alert);

        public void Complete() => queue.Writer.TryComplete();
    }
}
