using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Metrics;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Pipeline;

namespace NeuralSec.Gateway.FrontDoor;

/// <summary>
/// Load shedding at the door: at most <see cref="LimitsOptions.MaxConcurrentInferences"/> requests in the pipeline,
/// at most <see cref="LimitsOptions.MaxQueuedInferences"/> waiting (oldest first), none waiting longer than
/// <see cref="LimitsOptions.MaxQueueWait"/>. Whatever is over is refused at once — UNAVAILABLE, reason
/// <c>overloaded</c>, retry-after — before any decoding work, model call or memory is spent on it, so far more load
/// than the model can take leaves the answers that are given as fast as at capacity, and memory flat.
/// </summary>
internal sealed class InferenceAdmission(IOptions<GatewayOptions> options) : IDisposable
{
    private readonly TimeSpan _maxWait = options.Value.Limits.MaxQueueWait;
    private readonly int _queueLimit = options.Value.Limits.MaxQueuedInferences;
    private readonly ConcurrencyLimiter _limiter = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = options.Value.Limits.MaxConcurrentInferences,
        QueueLimit = options.Value.Limits.MaxQueuedInferences,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    /// <summary>A place in the pipeline (dispose it when done), or the refusal.</summary>
    public async ValueTask<(RateLimitLease? Lease, PipelineRejection? Rejection)> EnterAsync(CancellationToken cancellationToken)
    {
        var lease = _limiter.AttemptAcquire();
        if (!lease.IsAcquired)
        {
            lease.Dispose();
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(_maxWait);
            try
            {
                lease = await _limiter.AcquireAsync(1, wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return Shed("queue_wait");
            }

            if (!lease.IsAcquired)
            {
                lease.Dispose();
                return Shed("queue_full");
            }
        }

        GatewayMetrics.InferencesInFlight.Inc();
        return (new Admitted(lease), null);
    }

    /// <summary>True when a request arriving now would be shed at once: every permit taken and the queue full.
    /// The gRPC frame check asks before the body is even read (<see cref="Services.GrpcFrameGuard"/>), so under
    /// overload a refused call costs its headers, not its receive and parse.</summary>
    public bool IsSaturated
    {
        get
        {
            var statistics = _limiter.GetStatistics();
            return statistics is not null && statistics.CurrentAvailablePermits == 0 && statistics.CurrentQueuedCount >= _queueLimit;
        }
    }

    /// <summary>The refusal of a request shed before it was read (see <see cref="IsSaturated"/>).</summary>
    public static PipelineRejection ShedUnread() => Shed("queue_full").Item2!;

    /// <summary>The refusal of a call whose body the <see cref="RequestBodyBudget"/> could not hold.</summary>
    public static PipelineRejection ShedOverBudget() => Shed("body_budget").Item2!;

    public void Dispose() => _limiter.Dispose();

    private static (RateLimitLease?, PipelineRejection?) Shed(string why)
    {
        GatewayMetrics.ShedRequests.WithLabels(why).Inc();
        return (null, new PipelineRejection(RejectionKind.Unavailable, "overloaded", "the server is overloaded; retry shortly") { RetryAfter = TimeSpan.FromSeconds(1) });
    }

    /// <summary>The limiter's lease, which also counts the request out of the in-flight gauge.</summary>
    private sealed class Admitted(RateLimitLease inner) : RateLimitLease
    {
        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => [];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                GatewayMetrics.InferencesInFlight.Dec();
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
