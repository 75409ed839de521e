using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NeuralSec.Gateway.Logging;
using NeuralSec.Gateway.Metrics;
using NeuralSec.Gateway.Policy;
using NeuralSec.Gateway.Protocol;
using NeuralSec.Gateway.Tracing;

namespace NeuralSec.Gateway.Pipeline;

/// <summary>
/// The request path, in the order of <see cref="PipelineStageId"/>: identity → policy → validate → limit →
/// preprocess → detect → decide → forward → observe → harden → alert. Each stage may stop the request with a
/// rejection; stages that must see every outcome (alerting) run after a rejection too. Stage latency is measured
/// here, once, for all of them, and traced when tracing is on (<see cref="PipelineTracing"/>).
/// </summary>
internal sealed class InferencePipeline
{
    private readonly IPipelineStage[] _stages;
    private readonly Prometheus.Histogram.Child[] _stageTimers;
    private readonly IPolicyProvider _policies;
    private readonly ILogger<InferencePipeline> _logger;

    /// <summary>Orders <paramref name="stages"/> by <see cref="PipelineStageId"/>.</summary>
    /// <exception cref="InvalidOperationException">A stage is missing or registered twice.</exception>
    public InferencePipeline(IEnumerable<IPipelineStage> stages, IPolicyProvider policies, ILogger<InferencePipeline> logger)
    {
        _stages = Order(stages);
        _stageTimers = _stages.Select(s => GatewayMetrics.StageDuration.WithLabels(PipelineStageNames.Of(s.Id))).ToArray();
        _policies = policies;
        _logger = logger;
    }

    public IReadOnlyList<PipelineStageId> Stages => _stages.Select(s => s.Id).ToArray();

    /// <summary>Runs the request through every stage. Returns normally in all cases: the outcome is in
    /// <see cref="InferenceContext.Rejection"/> (null means answered).</summary>
    public async ValueTask RunAsync(InferenceContext context, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var scope = _logger.BeginScope(new RequestScope(context.RequestId, context.ModelName));
        using var span = PipelineTracing.StartRequest();
        for (var i = 0; i < _stages.Length; i++)
        {
            var stage = _stages[i];
            if (context.Rejection is not null && !stage.RunsAfterRejection)
            {
                continue;
            }

            var stageStarted = Stopwatch.GetTimestamp();
            using var stageSpan = PipelineTracing.StartStage(span, stage.Id);
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
                Log.StageFailed(_logger, ex, PipelineStageNames.Of(stage.Id));
                outcome = new PipelineRejection(RejectionKind.Internal, "internal_error", "the request could not be processed");
            }

            _stageTimers[i].Observe(Stopwatch.GetElapsedTime(stageStarted).TotalSeconds);
            if (outcome.IsRejected && context.Rejection is null)
            {
                context.Rejection = outcome.Rejection;
                stageSpan?.SetTag("neuralsec.reason", outcome.Rejection!.ReasonCode);
                Log.RequestRejected(_logger, PipelineStageNames.Of(stage.Id), outcome.Rejection!.ReasonCode, CallerText.Escape(outcome.Rejection.Message, 256));
            }
        }

        var model = MetricLabels.Model(context.ModelName, _policies.Current);
        var outcomeLabel = context.Rejection is null ? "ok" : OutcomeLabels.For(context.Rejection.Kind);
        GatewayMetrics.Requests.WithLabels(model, outcomeLabel).Inc();
        GatewayMetrics.RequestDuration.WithLabels(model).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        if (span is not null)
        {
            Describe(span, context, outcomeLabel);
        }
    }

    private static void Describe(Activity span, InferenceContext context, string outcome)
    {
        // A model the backend serves (validated against it), never a name as the caller spelled it.
        span.SetTag("neuralsec.model", context.Model?.Name ?? "_unknown");
        span.SetTag("neuralsec.outcome", outcome);
        span.SetTag("neuralsec.request_id", context.RequestId);
        if (context.Policy is { } policy)
        {
            span.SetTag("neuralsec.policy", $"{policy.Name}@{policy.Revision}");
        }

        if (context.Rejection is { } rejection)
        {
            span.SetTag("neuralsec.reason", rejection.ReasonCode);
            span.SetStatus(rejection.Kind == RejectionKind.Internal ? ActivityStatusCode.Error : ActivityStatusCode.Unset);
        }
    }

    private static IPipelineStage[] Order(IEnumerable<IPipelineStage> stages)
    {
        var ordered = stages.OrderBy(s => s.Id).ToArray();
        var duplicate = ordered.GroupBy(s => s.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"pipeline stage {duplicate.Key} is registered {duplicate.Count()} times");
        }

        var missing = Enum.GetValues<PipelineStageId>().Except(ordered.Select(s => s.Id)).ToArray();
        return missing.Length == 0
            ? ordered
            : throw new InvalidOperationException($"pipeline stage(s) {string.Join(", ", missing)} not registered");
    }
}
