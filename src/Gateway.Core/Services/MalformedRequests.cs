using NeuralSec.Gateway.Logging;
using NeuralSec.Gateway.Metrics;
using NeuralSec.Gateway.Pipeline;

namespace NeuralSec.Gateway.Services;

/// <summary>
/// Refusals of requests that are not the protocol at all (bytes that are not protobuf, a JSON body that is not JSON):
/// INVALID_ARGUMENT with the usual trailers, counted per transport, and logged once per burst rather than once per
/// request, since a fuzzer or a broken client sends them by the thousand.
/// </summary>
internal sealed class MalformedRequests(TimeProvider time, ILogger<MalformedRequests> logger)
{
    public const string Reason = "malformed_request";

    private readonly BurstLimiter _log = new(TimeSpan.FromSeconds(10), time);

    public PipelineRejection Refuse(string protocol, string requestId, string detail)
    {
        GatewayMetrics.MalformedRequests.WithLabels(protocol).Inc();
        if (_log.ShouldLog(out var suppressed))
        {
            using var scope = logger.BeginScope(new RequestScope(requestId, string.Empty));
            Log.MalformedRequest(logger, protocol, Reason, detail, suppressed);
        }

        return PipelineRejection.Invalid(Reason, detail);
    }
}
