using NeuralSec.Gateway.Alerts;

namespace NeuralSec.Gateway.Tests.Alerts;

public sealed class AlertAggregatorTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private readonly DateTimeOffset t0 = AlertSamples.Epoch;
    private readonly List<AlertEvent> due = [];

    [Fact]
    public void FirstOccurrence_GoesOutAtOnce()
    {
        var aggregator = new AlertAggregator(Window, 100);

        Assert.NotNull(aggregator.Offer(AlertSamples.Numbered(1), t0, due));
        Assert.Equal(t0 + Window, aggregator.NextDue);
    }

    [Fact]
    public void LaterOccurrences_AreFolded_AndEmittedOnceAtWindowEnd()
    {
        var aggregator = new AlertAggregator(Window, 100);
        aggregator.Offer(AlertSamples.Numbered(1), t0, due);
        for (var n = 2; n <= 5; n++)
        {
            Assert.Null(aggregator.Offer(AlertSamples.Numbered(n, time: t0.AddSeconds(n)), t0.AddSeconds(n), due));
        }

        aggregator.Flush(t0 + Window - TimeSpan.FromMilliseconds(1), due);
        Assert.Empty(due);

        aggregator.Flush(t0 + Window, due);
        var aggregated = Assert.Single(due);
        Assert.Equal(4, aggregated.Count);
        Assert.Equal("evt-00005", aggregated.Id); // the latest folded occurrence, never sent on its own
        Assert.Equal(t0.AddSeconds(2), aggregated.FirstSeen);
        Assert.Equal(t0.AddSeconds(5), aggregated.LastSeen);
    }

    [Fact]
    public void SustainedFlood_YieldsOneEventPerWindow()
    {
        var aggregator = new AlertAggregator(Window, 100);
        var emitted = 0;
        var total = 0;
        for (var second = 0; second < 35; second++)
        {
            var now = t0.AddSeconds(second);
            aggregator.Flush(now, due);
            if (aggregator.Offer(AlertSamples.Numbered(second, time: now), now, due) is { } alert)
            {
                due.Add(alert);
            }

            emitted += due.Count;
            total += due.Sum(a => a.Count);
            due.Clear();
        }

        aggregator.FlushAll(due);
        emitted += due.Count;
        total += due.Sum(a => a.Count);

        Assert.Equal(35, total);     // every occurrence is accounted for
        Assert.Equal(5, emitted);    // the first at once, then one per 10 s window (3 ends + final flush)
    }

    [Fact]
    public void QuietWindow_Closes_AndNextOccurrenceGoesOutAtOnce()
    {
        var aggregator = new AlertAggregator(Window, 100);
        aggregator.Offer(AlertSamples.Numbered(1), t0, due);
        aggregator.Flush(t0 + Window, due);

        Assert.Empty(due);
        Assert.Equal(0, aggregator.OpenWindows);
        Assert.NotNull(aggregator.Offer(AlertSamples.Numbered(2), t0 + Window + TimeSpan.FromSeconds(1), due));
    }

    [Fact]
    public void OccurrenceAfterWindowEnd_SettlesTheOldWindowFirst()
    {
        var aggregator = new AlertAggregator(Window, 100);
        aggregator.Offer(AlertSamples.Numbered(1), t0, due);
        aggregator.Offer(AlertSamples.Numbered(2), t0.AddSeconds(1), due);

        var late = aggregator.Offer(AlertSamples.Numbered(3), t0.AddSeconds(11), due);

        Assert.Equal(1, Assert.Single(due).Count);
        Assert.Null(late); // folded into the window that the aggregate opened
    }

    [Fact]
    public void DifferentClients_AreAggregatedApart()
    {
        var aggregator = new AlertAggregator(Window, 100);

        Assert.NotNull(aggregator.Offer(AlertSamples.Numbered(1, "a"), t0, due));
        Assert.NotNull(aggregator.Offer(AlertSamples.Numbered(2, "b"), t0, due));
        Assert.Null(aggregator.Offer(AlertSamples.Numbered(3, "a"), t0, due));
    }

    [Fact]
    public void ReloadFailures_AreNeverAggregated()
    {
        var aggregator = new AlertAggregator(Window, 100);

        Assert.NotNull(aggregator.Offer(AlertSamples.PolicyReloadFailed(), t0, due));
        Assert.NotNull(aggregator.Offer(AlertSamples.PolicyReloadFailed(), t0, due));
    }

    [Fact]
    public void ZeroWindow_DisablesAggregation()
    {
        var aggregator = new AlertAggregator(TimeSpan.Zero, 100);

        Assert.NotNull(aggregator.Offer(AlertSamples.Numbered(1), t0, due));
        Assert.NotNull(aggregator.Offer(AlertSamples.Numbered(2), t0, due));
    }

    [Fact]
    public void BeyondMaxKeys_NewKeysPassThrough()
    {
        var aggregator = new AlertAggregator(Window, 2);
        aggregator.Offer(AlertSamples.Numbered(1, "a"), t0, due);
        aggregator.Offer(AlertSamples.Numbered(2, "b"), t0, due);

        Assert.NotNull(aggregator.Offer(AlertSamples.Numbered(3, "c"), t0, due));
        Assert.NotNull(aggregator.Offer(AlertSamples.Numbered(4, "c"), t0, due));
        Assert.Equal(2, aggregator.OpenWindows);
    }
}
