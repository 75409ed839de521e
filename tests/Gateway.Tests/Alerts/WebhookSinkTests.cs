using Microsoft.Extensions.Time.Testing;
using NeuralSec.Gateway.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.Alerts.Sinks;
using NeuralSec.Gateway.Alerts.Sinks.Webhook;

namespace NeuralSec.Gateway.Tests.Alerts;

/// <summary>The webhook sink against a real receiver on loopback that is down, comes up, fails and restarts.</summary>
public sealed class WebhookSinkTests : IDisposable
{
    private readonly TempFolder spool = new();

    [Fact]
    public async Task ReceiverDownThenUp_DeliversEveryAlert_InOrder()
    {
        var port = WebhookReceiver.FreePort();
        await using var dispatcher = Start(port, name: "webhook-downup");
        var sink = (WebhookSink)dispatcher.Sinks.Single();

        for (var n = 0; n < 30; n++)
        {
            dispatcher.Publish(AlertSamples.Numbered(n, client: $"c{n}"));
        }

        // Down long enough that the retries gave up and alerts went to disk.
        await Wait.Until(() => sink.SpooledRecords > 0, "alerts spooled while the receiver is down");
        for (var n = 30; n < 40; n++)
        {
            dispatcher.Publish(AlertSamples.Numbered(n, client: $"c{n}"));
        }

        await using var receiver = await WebhookReceiver.StartAsync(port);
        receiver.FailNext(2);              // still unhealthy for a moment
        receiver.AcceptThenFailNext(1);    // then a batch whose response is lost: it will come again

        await Wait.Until(() => receiver.Unique.Count == 40, "all 40 alerts at the receiver");
        await Wait.Until(() => sink.SpooledRecords == 0, "spool drained");

        Assert.Equal(Ids(0, 40), receiver.Unique);
        Assert.Equal(40, receiver.Received.Distinct().Count());
        Assert.True(receiver.Received.Count > 40, "the batch whose answer was lost was sent again");
        Assert.True(receiver.DuplicateBatches >= 1, "the re-sent batch carried the same Idempotency-Key");
        Assert.True(receiver.Received.Count - 40 <= 10, "only that batch came twice");
    }

    [Fact]
    public async Task A_receiver_down_for_ten_minutes_loses_nothing()
    {
        // Ten minutes of the sink's own clock (backoff, probes, batching) pass in a few seconds of real time: the
        // receiver's port is closed throughout, an alert is published every 6 s, then the receiver comes up.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var port = WebhookReceiver.FreePort();
        await using var dispatcher = Start(port, name: "webhook-10min", time: clock, maxBackoff: TimeSpan.FromSeconds(30));
        var sink = (WebhookSink)dispatcher.Sinks.Single();
        for (var second = 0; second < 600; second++)
        {
            if (second % 6 == 0)
            {
                dispatcher.Publish(AlertSamples.Numbered(second / 6, client: "c"));
            }

            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(1);
        }

        await Wait.Until(() => sink.SpooledRecords == 100, "all 100 alerts of the outage on disk");
        await using var receiver = await WebhookReceiver.StartAsync(port);
        await Wait.Until(() =>
        {
            clock.Advance(TimeSpan.FromSeconds(1)); // the next probe comes at most MaxBackoff later
            return receiver.Unique.Count == 100 && sink.SpooledRecords == 0;
        }, "the outage's 100 alerts delivered and the spool drained");

        Assert.Equal(Ids(0, 100), receiver.Unique);
    }

    [Fact]
    public async Task A_full_spool_disk_drops_what_does_not_fit_and_the_feed_goes_on()
    {
        using var disk = SmallDisk.TryMount(kilobytes: 64);
        if (disk is null)
        {
            return; // no tmpfs here (not root, not Linux): the disk-full path is not exercised
        }

        var port = WebhookReceiver.FreePort();
        await using var dispatcher = Start(port, name: "webhook-diskfull", spoolMaxBytes: 16 << 20, spoolDirectory: disk.Path);
        var sink = (WebhookSink)dispatcher.Sinks.Single();
        for (var n = 0; n < 400; n++)
        {
            dispatcher.Publish(AlertSamples.Numbered(n, client: $"c{n}"));
        }

        await Wait.Until(() => sink.SpooledRecords > 0 && AlertMetrics.Alerts.WithLabels("webhook-diskfull", "dropped").Value + sink.SpooledRecords >= 400, "every alert spooled or counted as dropped");
        var spooled = sink.SpooledRecords;
        Assert.InRange(spooled, 1, 399); // the 64 KiB disk, not the 16 MiB bound, was the limit

        await using var receiver = await WebhookReceiver.StartAsync(port);
        await Wait.Until(() => sink.SpooledRecords == 0, "the spooled alerts delivered");
        dispatcher.Publish(AlertSamples.Numbered(1000, client: "after"));
        await Wait.Until(() => receiver.Unique.Contains("evt-01000"), "an alert after the outage delivered");
        Assert.Equal(spooled + 1, receiver.Unique.Count);
    }

    [Fact]
    public async Task Restart_WithNonEmptySpool_DeliversAfterRestart()
    {
        var port = WebhookReceiver.FreePort();
        await using (var first = Start(port, name: "webhook-restart-1", shutdownTimeout: TimeSpan.FromMilliseconds(300)))
        {
            for (var n = 0; n < 15; n++)
            {
                first.Publish(AlertSamples.Numbered(n, client: $"c{n}"));
            }

            // Disposed at once, with the receiver down: whatever is still in memory must be spooled, not lost.
        }

        Assert.NotEmpty(Directory.GetFiles(spool.Path, "*.seg"));

        await using var receiver = await WebhookReceiver.StartAsync(port);
        await using var second = Start(port, name: "webhook-restart-2");
        for (var n = 15; n < 20; n++)
        {
            second.Publish(AlertSamples.Numbered(n, client: $"c{n}"));
        }

        await Wait.Until(() => receiver.Unique.Count == 20, "all 20 alerts at the receiver after the restart");
        Assert.Equal(Ids(0, 20), receiver.Unique);
    }

    [Fact]
    public async Task RejectedBatch_IsDropped_AndDoesNotBlockTheFeed()
    {
        var port = WebhookReceiver.FreePort();
        await using var receiver = await WebhookReceiver.StartAsync(port);
        receiver.RejectNext(1);
        var before = AlertMetrics.Dropped.WithLabels("rejected").Value;
        await using var dispatcher = Start(port, name: "webhook-rejected", batchSize: 1);

        dispatcher.Publish(AlertSamples.Numbered(0, client: "a"));
        await Wait.Until(() => receiver.Requests >= 1, "first request answered 400");
        dispatcher.Publish(AlertSamples.Numbered(1, client: "b"));

        await Wait.Until(() => receiver.Unique.Count == 1, "the next alert delivered");
        Assert.Equal(new[] { "evt-00001" }, receiver.Unique);
        Assert.True(AlertMetrics.Dropped.WithLabels("rejected").Value >= before + 1);
    }

    [Fact]
    public async Task FullSpool_KeepsTheOldest_AndCountsTheDropped()
    {
        var port = WebhookReceiver.FreePort();
        var before = AlertMetrics.Dropped.WithLabels("spool_full").Value;
        await using var dispatcher = Start(port, name: "webhook-full", spoolMaxBytes: 8192);
        var sink = (WebhookSink)dispatcher.Sinks.Single();

        for (var n = 0; n < 40; n++)
        {
            dispatcher.Publish(AlertSamples.Numbered(n, client: $"c{n}"));
        }

        await Wait.Until(() => AlertMetrics.Dropped.WithLabels("spool_full").Value - before + sink.SpooledRecords >= 40, "every alert spooled or dropped");
        var kept = (int)sink.SpooledRecords;
        Assert.InRange(kept, 1, 39);

        await using var receiver = await WebhookReceiver.StartAsync(port);
        await Wait.Until(() => receiver.Unique.Count == kept, "the spooled alerts delivered");

        Assert.Equal(Ids(0, kept), receiver.Unique);
    }

    public void Dispose() => spool.Dispose();

    private AlertDispatcher Start(
        int port, string name, int batchSize = 4, TimeSpan? shutdownTimeout = null, long spoolMaxBytes = 1 << 20, TimeProvider? time = null, TimeSpan? maxBackoff = null, string? spoolDirectory = null)
    {
        var options = new AlertOptions
        {
            AggregationWindow = TimeSpan.Zero,
            ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(2),
            ProductVersion = "1.2.3",
            Sinks =
            [
                new WebhookSinkOptions
                {
                    Type = "Webhook",
                    Name = name,
                    Url = WebhookReceiver.UrlFor(port),
                    BatchSize = batchSize,
                    FlushInterval = TimeSpan.FromMilliseconds(5),
                    MaxRetries = 1,
                    InitialBackoff = TimeSpan.FromMilliseconds(10),
                    MaxBackoff = maxBackoff ?? TimeSpan.FromMilliseconds(100),
                    RequestTimeout = TimeSpan.FromSeconds(5),
                    SpoolDirectory = spoolDirectory ?? spool.Path,
                    SpoolMaxBytes = spoolMaxBytes,
                    SpoolSegmentBytes = 4096,
                },
            ],
        };
        var dispatcher = AlertDispatcher.Create(options, time ?? TimeProvider.System, NullLoggerFactory.Instance);
        dispatcher.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return dispatcher;
    }

    private static List<string> Ids(int first, int count) => Enumerable.Range(first, count).Select(n => $"evt-{n:D5}").ToList();
}
