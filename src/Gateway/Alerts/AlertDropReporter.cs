using Microsoft.Extensions.Logging;

namespace NeuralSec.Gateway.Alerts;

/// <summary>Counts lost alerts and says so loudly, but at most once per interval: under a flood that fills the
/// queues, one Error line per drop would bury the very logs an operator needs.</summary>
internal sealed class AlertDropReporter(ILogger logger, TimeProvider time)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly Lock gate = new();
    private long total;
    private long unreported;
    private long lastReport;
    private bool reportedOnce;

    public long Total => Interlocked.Read(ref total);

    public void Drop(string reason, long count = 1)
    {
        AlertMetrics.Dropped.WithLabels(reason).Inc(count);
        lock (gate)
        {
            total += count;
            unreported += count;
            var now = time.GetTimestamp();
            if (reportedOnce && time.GetElapsedTime(lastReport, now) < Interval)
            {
                return;
            }

            AlertLog.Dropped(logger, unreported, reason, total);
            unreported = 0;
            lastReport = now;
            reportedOnce = true;
        }
    }
}
