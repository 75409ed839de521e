using Microsoft.Extensions.Logging;

namespace NeuralSec.Gateway.Alerts;

/// <summary>Counts lost alerts and says so loudly, but at most once per interval: under a flood that fills the
/// queues, one Error line per drop would bury the very logs an operator needs.</summary>
internal sealed class AlertDropReporter(ILogger logger, TimeProvider time)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private long _total;
    private long _unreported;
    private long _lastReport;
    private bool _reportedOnce;

    public long Total => Interlocked.Read(ref _total);

    public void Drop(string reason, long count = 1)
    {
        AlertMetrics.Dropped.WithLabels(reason).Inc(count);
        lock (_gate)
        {
            _total += count;
            _unreported += count;
            var now = time.GetTimestamp();
            if (_reportedOnce && time.GetElapsedTime(_lastReport, now) < Interval)
            {
                return;
            }

            AlertLog.Dropped(logger, _unreported, reason, _total);
            _unreported = 0;
            _lastReport = now;
            _reportedOnce = true;
        }
    }
}
