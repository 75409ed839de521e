using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NeuralSec.Gateway.Logging;
using NeuralSec.Gateway.Metrics;
using NeuralSec.Gateway.Pipeline.Stages;

namespace NeuralSec.Gateway.Pipeline;

/// <summary>
/// The request path, top to bottom: identity → policy → validate → limit → preprocess → detect → decide →
/// forward → harden → alert. Each stage may stop the request with a rejection; stages that must see every
/// outcome (alerting) run after a rejection too. Stage latency is measured here, once, for all of them.
/// </summary>
internal sealed class InferencePipeline
{
    private readonly IPipelineStage[] _stages;
    private readonly Prometheus.Histogram.Child[] _stageTimers;
    private readonly ILogger<InferencePipeline> _logger;

    public InferencePipeline(
        IdentityStage identity,
        PolicyStage policy,
        ValidationStage validate,
        RateLimitStage limit,
        PreprocessStage preprocess,
        DetectStage detect,
        DecisionStage decide,
        ForwardStage forward,
        OutputHardeningStage harden,
        AlertStage alert,
        ILogger<InferencePipeline> logger)
        : this([identity, policy, validate, limit, preprocess, detect, decide, forward, harden, alert], logger)
    {
    }

    internal InferencePipeline(IPipelineStage[] stages, ILogger<InferencePipeline> logger)
    {
        _stages = stages;
        _stageTimers = stages.Select(s => GatewayMetrics.StageDuration.WithLabels(s.Name)).ToArray();
        _logger = logger;
    }

    public IReadOnlyList<string> StageNames => _stages.Select(s => s.Name).ToArray();

    /// <summary>Runs the request through every stage. Returns normally in all cases: the outcome is in
    /// <see cref="InferenceContext.Rejection"/> (null means answered).</summary>
    public async ValueTask RunAsync(InferenceContext context, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var scope = _logger.BeginScope(new RequestScope(context.RequestId, context.ModelName));
        for (var i = 0; i < _stages.Length; i++)
        {
            var stage = _stages[i];
            if (context.Rejection is not null && !stage.RunsAfterRejection)
            {
                continue;
            }

            var stageStarted = Stopwatch.GetTimestamp();
            StageOutcome outcome;
            try
            {
                outcome = await stage.ExecuteAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The caller went away or its deadline passed — possibly seen first by a backend's own deadline
                // timer, a moment before the request's token fires. Never a server fault.
                outcome = new PipelineRejection(RejectionKind.DeadlineExceeded, "cancelled", "the request was cancelled or its deadline passed");
            }
            catch (Exception ex)
            {
                // A stage bug must not become a crash or leak detail to the caller.
                Log.StageFailed(_logger, ex, stage.Name);
                outcome = new PipelineRejection(RejectionKind.Internal, "internal_error", "the request could not be processed");
            }

            _stageTimers[i].Observe(Stopwatch.GetElapsedTime(stageStarted).TotalSeconds);
            if (outcome.IsRejected && context.Rejection is null)
            {
                context.Rejection = outcome.Rejection;
                Log.RequestRejected(_logger, stage.Name, outcome.Rejection!.ReasonCode, outcome.Rejection.Message);
            }
        }

        var outcomeLabel = context.Rejection is null ? "ok" : OutcomeLabels.For(context.Rejection.Kind);
        GatewayMetrics.Requests.WithLabels(context.ModelName, outcomeLabel).Inc();
        GatewayMetrics.RequestDuration.WithLabels(context.ModelName).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
