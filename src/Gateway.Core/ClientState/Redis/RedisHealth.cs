using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.Metrics;

namespace NeuralSec.Gateway.ClientState.Redis;

/// <summary>
/// Whether Redis answers, from the outcome of every operation and the connection's own events: the
/// <c>neuralsec_state_store_up</c> gauge, one alert and one log line when it goes down, one log line when it is back.
/// An outage is an edge, not a level: requests during it are counted, not alerted one by one.
/// </summary>
internal sealed class RedisHealth(string endpoints, IAlertPublisher? alerts, TimeProvider time, ILogger logger)
{
    private const int Unknown = -1;
    private const int Down = 0;
    private const int Up = 1;

    private int _state = Unknown;
    private long _failuresWhileDown;
    private int _outages;

    public bool IsUp => Volatile.Read(ref _state) == Up;

    /// <summary>Outages seen so far (up or unknown → down transitions).</summary>
    public int Outages => Volatile.Read(ref _outages);

    public void Succeeded()
    {
        if (Volatile.Read(ref _state) == Up)
        {
            return;
        }

        var previous = Interlocked.Exchange(ref _state, Up);
        if (previous == Up)
        {
            return;
        }

        GatewayMetrics.StateStoreUp.Set(1);
        if (previous == Down)
        {
            RedisLog.Recovered(logger, endpoints, Interlocked.Exchange(ref _failuresWhileDown, 0));
        }
    }

    /// <summary>A call that failed before the first connection was made: counted in the failure metric, no change of
    /// state (the connection's outcome decides it), no alert.</summary>
    public static void FailedWhileConnecting(string operation, string reason) =>
        GatewayMetrics.StateStoreFailures.WithLabels(operation, reason).Inc();

    public void Failed(string operation, string reason, Exception? exception)
    {
        GatewayMetrics.StateStoreFailures.WithLabels(operation, reason).Inc();
        Interlocked.Increment(ref _failuresWhileDown);
        if (Volatile.Read(ref _state) == Down || Interlocked.Exchange(ref _state, Down) == Down)
        {
            return;
        }

        Interlocked.Increment(ref _outages);
        GatewayMetrics.StateStoreUp.Set(0);
        RedisLog.Down(logger, exception, endpoints, operation, reason);
        alerts?.Publish(new AlertEvent
        {
            Id = Guid.NewGuid().ToString("n"),
            Time = time.GetUtcNow(),
            Kind = AlertKind.StateStoreUnavailable,
            Title = "Shared state unavailable",
            Message = $"Redis at {endpoints} does not answer ({operation}: {reason}). Until it is back, budgets, sanctions and stream-detector state cannot be read: fail-closed policies refuse requests (UNAVAILABLE, state_unavailable), fail-open policies serve them unchecked by that state.",
            Severity = AlertSeverity.High,
            Action = "state-unavailable",
        });
    }
}
