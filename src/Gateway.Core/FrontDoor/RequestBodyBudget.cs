using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Metrics;
using NeuralSec.Gateway.Options;

namespace NeuralSec.Gateway.FrontDoor;

/// <summary>
/// The memory gRPC inference calls may hold at once: each call counts its declared message length from its first
/// five bytes until it is answered (<see cref="LimitsOptions.MaxRequestBodyBytesInFlight"/>). Admission bounds the
/// calls in the pipeline, but not the ones between their headers and the door — under a load the cores cannot keep up
/// with, thousands of bodies sit received and parsed, waiting for a thread to take them to admission, and memory grows
/// with the load. A call the budget cannot hold is shed at once (UNAVAILABLE <c>overloaded</c>, retry-after), as a
/// full queue sheds.
/// </summary>
internal sealed class RequestBodyBudget(IOptions<GatewayOptions> options)
{
    private readonly long _limit = options.Value.Limits.MaxRequestBodyBytesInFlight;
    private long _held;

    /// <summary>Bytes held now.</summary>
    public long Held => Volatile.Read(ref _held);

    /// <summary>Takes <paramref name="bytes"/> from the budget; false (nothing taken) when it would go over. A body
    /// larger than the whole budget is still let through when nothing else is held, so the limit never refuses a
    /// message the size limit accepts.</summary>
    public bool TryReserve(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        while (true)
        {
            var held = Volatile.Read(ref _held);
            if (held + bytes > _limit && held > 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _held, held + bytes, held) == held)
            {
                GatewayMetrics.RequestBodyBytesInFlight.Set(held + bytes);
                return true;
            }
        }
    }

    /// <summary>Gives back what <see cref="TryReserve"/> took.</summary>
    public void Release(long bytes)
    {
        var held = Interlocked.Add(ref _held, -bytes);
        GatewayMetrics.RequestBodyBytesInFlight.Set(held);
    }
}
