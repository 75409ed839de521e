using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.Decisions;
using NeuralSec.Gateway.RateLimiting;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>
/// The policy's per-client budget (<c>spec.rateLimit.perClient</c>): over budget is throttled with
/// RESOURCE_EXHAUSTED and a retry-after, before any defense or model compute is spent. Extraction-pattern
/// detectors will join this stage.
/// </summary>
internal sealed class RateLimitStage(ClientRateLimiter limiter) : IPipelineStage
{
    public PipelineStageId Id => PipelineStageId.Limit;

    public async ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken)
    {
        if (context.Policy is not { RateLimit: not null } policy)
        {
            return StageOutcome.Continue;
        }

        var retryAfter = await limiter.TryAcquireAsync(policy, context.ClientId, cancellationToken).ConfigureAwait(false);
        if (retryAfter is null)
        {
            return StageOutcome.Continue;
        }

        var verdict = new Verdict(Id, "rateLimit", Flagged: true, DefenseAction.Throttle)
        {
            Score = policy.RateLimit.TokensPerSecond,
            AtlasTechniqueId = AtlasTechniques.DenialOfService,
        };
        return Enforcement.Apply(context, verdict, ReasonCodes.RateLimited, "the client's request rate limit is exceeded", retryAfter);
    }
}
