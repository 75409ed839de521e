namespace NeuralSec.Gateway.Alerts;

/// <summary>
/// Folds floods of the same finding into one event per window, per <see cref="AlertEvent.AggregationKey"/>
/// (client + model + detectors + action + kind).
/// <para>The rule: the first occurrence of a key is emitted at once and opens a window of
/// <c>AggregationWindow</c>. Later occurrences inside the window are not emitted; they are folded. When the window
/// ends, if anything was folded, one aggregated event is emitted, carrying the details of the most recent folded
/// occurrence (its id, request id, scores), <see cref="AlertEvent.Count"/> = the number folded, and
/// <see cref="AlertEvent.FirstSeen"/>/<see cref="AlertEvent.LastSeen"/> spanning them; a new window starts at once so a
/// sustained flood yields one event per window. A window that ends with nothing folded closes, and the next occurrence
/// is again emitted at once. So N occurrences are always accounted for: the sum of Count over what is emitted is N.</para>
/// <para>Policy reload failures are never aggregated: each carries its own error text. Beyond MaxKeys open windows,
/// new keys pass through unaggregated rather than grow memory without bound.</para>
/// <para>Not thread-safe: the dispatcher's loop owns it. Windows run on the clock passed in, not on event times.</para>
/// </summary>
internal sealed class AlertAggregator(TimeSpan window, int maxKeys)
{
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);

    public int OpenWindows => _windows.Count;

    /// <summary>The earliest window end, when the dispatcher must call <see cref="Flush"/> next.</summary>
    public DateTimeOffset? NextDue { get; private set; }

    /// <summary>Takes one occurrence; returns it when it must go out now, or null when it was folded.</summary>
    public AlertEvent? Offer(AlertEvent alert, DateTimeOffset now, List<AlertEvent> due)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (window <= TimeSpan.Zero || alert.Kind is AlertKind.PolicyReloadFailed or AlertKind.StateStoreUnavailable)
        {
            return alert;
        }

        // Windows past their end are settled first, so an occurrence after the end is not folded into them.
        if (NextDue is { } next && next <= now)
        {
            Flush(now, due);
        }

        var key = alert.AggregationKey;
        if (_windows.TryGetValue(key, out var open))
        {
            open.Fold(alert);
            AlertMetrics.Aggregated.Inc();
            return null;
        }

        if (_windows.Count < maxKeys)
        {
            var end = now + window;
            _windows.Add(key, new Window(end));
            NextDue = NextDue is { } earliest && earliest < end ? earliest : end;
        }

        return alert;
    }

    /// <summary>Settles windows that ended by <paramref name="now"/>, adding their aggregated events to
    /// <paramref name="due"/> in window-end order.</summary>
    public void Flush(DateTimeOffset now, List<AlertEvent> due)
    {
        ArgumentNullException.ThrowIfNull(due);
        if (NextDue is not { } next || next > now)
        {
            return;
        }

        DateTimeOffset? earliest = null;
        foreach (var (key, open) in _windows.Where(w => w.Value.End <= now).OrderBy(w => w.Value.End).ToList())
        {
            if (open.Take() is { } aggregated)
            {
                due.Add(aggregated);
                open.End += window;
                if (open.End <= now)
                {
                    // The loop fell behind by more than a window; restart the window from now.
                    open.End = now + window;
                }
            }
            else
            {
                _windows.Remove(key);
            }
        }

        foreach (var open in _windows.Values)
        {
            earliest = earliest is { } e && e < open.End ? e : open.End;
        }

        NextDue = earliest;
    }

    /// <summary>Emits what every open window holds, at shutdown: folded occurrences are reported, not lost.</summary>
    public void FlushAll(List<AlertEvent> due)
    {
        ArgumentNullException.ThrowIfNull(due);
        foreach (var open in _windows.Values.OrderBy(w => w.End))
        {
            if (open.Take() is { } aggregated)
            {
                due.Add(aggregated);
            }
        }

        _windows.Clear();
        NextDue = null;
    }

    private sealed class Window(DateTimeOffset end)
    {
        private AlertEvent? _latest;
        private DateTimeOffset _firstSeen;
        private int _count;

        public DateTimeOffset End { get; set; } = end;

        public void Fold(AlertEvent alert)
        {
            if (_count == 0)
            {
                _firstSeen = alert.FirstSeen ?? alert.Time;
            }

            _count = (int)Math.Min(int.MaxValue, (long)_count + alert.Count);
            _latest = alert;
        }

        public AlertEvent? Take()
        {
            if (_latest is null)
            {
                return null;
            }

            var aggregated = _latest with
            {
                Count = _count,
                FirstSeen = _firstSeen,
                LastSeen = _latest.LastSeen ?? _latest.Time,
            };
            _latest = null;
            _count = 0;
            return aggregated;
        }
    }
}
