using NeuralSec.Gateway.Tests.Infrastructure;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.Alerts.Sinks.JsonLines;

namespace NeuralSec.Gateway.Tests.Alerts;

public sealed class AlertDispatcherTests
{
    [Fact]
    public async Task Flood_IsAggregated_PerClientAndDetector()
    {
        var sink = new RecordingSink("recording-flood");
        var dispatcher = new AlertDispatcher(Options(TimeSpan.FromHours(1)), [sink], TimeProvider.System, NullLoggerFactory.Instance);
        await dispatcher.StartAsync(CancellationToken.None);

        for (var n = 0; n < 10; n++)
        {
            dispatcher.Publish(AlertSamples.Numbered(n, client: "flooder"));
        }

        dispatcher.Publish(AlertSamples.Numbered(100, client: "someone-else"));
        await Wait.Until(() => sink.Received.Count == 2, "the two first occurrences");

        // The window is an hour long: the stop flushes it, so the folded nine are reported, not lost.
        await dispatcher.DisposeAsync();

        var received = sink.Received;
        Assert.Equal(3, received.Count);
        Assert.Equal(["evt-00000", "evt-00100"], received.Take(2).Select(a => a.Id));
        var aggregated = received[2];
        Assert.Equal("flooder", aggregated.ClientId);
        Assert.Equal(9, aggregated.Count);
        Assert.Equal(AlertSamples.Numbered(1).Time, aggregated.FirstSeen);
        Assert.Equal(AlertSamples.Numbered(9).Time, aggregated.LastSeen);
    }

    [Fact]
    public async Task StuckSink_DoesNotHoldUpTheOthers()
    {
        var stuck = new RecordingSink("recording-stuck", stuck: true);
        var healthy = new RecordingSink("recording-healthy");
        var options = Options(TimeSpan.Zero);
        options.Sinks = [new AlertSinkOptions { QueueCapacity = 2 }, new AlertSinkOptions { QueueCapacity = 100 }];
        var before = AlertMetrics.Alerts.WithLabels("recording-stuck", "dropped").Value;
        await using var dispatcher = new AlertDispatcher(options, [stuck, healthy], TimeProvider.System, NullLoggerFactory.Instance);
        await dispatcher.StartAsync(CancellationToken.None);

        for (var n = 0; n < 50; n++)
        {
            dispatcher.Publish(AlertSamples.Numbered(n));
        }

        await Wait.Until(() => healthy.Received.Count == 50, "all 50 at the healthy sink");
        Assert.Equal(48, AlertMetrics.Alerts.WithLabels("recording-stuck", "dropped").Value - before);
    }

    [Fact]
    public void Publish_NeverBlocks_AndCountsAFullQueue()
    {
        var options = Options(TimeSpan.Zero);
        options.QueueCapacity = 1;
        var dispatcher = new AlertDispatcher(options, [], TimeProvider.System, NullLoggerFactory.Instance);
        var before = AlertMetrics.Dropped.WithLabels("queue_full").Value;

        // Not started: nothing drains the queue, yet Publish returns at once every time.
        for (var n = 0; n < 5; n++)
        {
            dispatcher.Publish(AlertSamples.Numbered(n));
        }

        Assert.True(AlertMetrics.Dropped.WithLabels("queue_full").Value - before >= 4);
    }

    [Fact]
    public async Task JsonLines_WritesOneOcsfObjectPerLine_ToAFile()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "nested", "alerts.jsonl");
        var options = Options(TimeSpan.Zero);
        options.Sinks = [new JsonLinesSinkOptions { Path = path, Name = "jsonl-file" }];

        await using (var dispatcher = AlertDispatcher.Create(options, TimeProvider.System, NullLoggerFactory.Instance))
        {
            await dispatcher.StartAsync(CancellationToken.None);
            foreach (var (_, alert) in AlertSamples.All())
            {
                dispatcher.Publish(alert);
            }
        }

        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal(4, lines.Length);
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            Assert.Equal(2004, json.RootElement.GetProperty("class_uid").GetInt32());
        }
    }

    [Fact]
    public async Task Disabled_AcceptsAndDiscards()
    {
        var options = Options(TimeSpan.Zero);
        options.Enabled = false;
        await using var dispatcher = AlertDispatcher.Create(options, TimeProvider.System, NullLoggerFactory.Instance);
        await dispatcher.StartAsync(CancellationToken.None);

        dispatcher.Publish(AlertSamples.Numbered(1));

        Assert.Empty(dispatcher.Sinks);
    }

    private static AlertOptions Options(TimeSpan window) => new()
    {
        AggregationWindow = window,
        ShutdownTimeout = TimeSpan.FromSeconds(2),
        ProductVersion = "1.2.3",
    };
}
