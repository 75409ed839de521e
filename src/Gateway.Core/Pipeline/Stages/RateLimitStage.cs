using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.ClientState;
using NeuralSec.Gateway.Decisions;
using NeuralSec.Gateway.RateLimiting;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>
/// The client's budget and standing, before any model or defense compute is spent: a client the stream defenses
/// blocked is refused for the cooldown, a degraded one is answered label-only, a throttled one spends the policy's
/// throttled budget, and over budget is RESOURCE_EXHAUSTED with a retry-after. One store round trip.
/// </summary>
internal sealed class RateLimitStage(ClientRateLimiter limiter) : IPipelineStage
{
    /// <summary>Names this stage's verdicts.</summary>
    public const string RateLimitDefense = "rateLimit";

    /// <summary>Names the verdicts of sanctions the stream defenses imposed earlier.</summary>
    public const string SanctionDefense = "extractionSanction";

    public PipelineStageId Id => PipelineStageId.Limit;

    public async ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken)
    {
        if (context.Policy is not { } policy || (policy.RateLimit is null && policy.Extraction is null))
        {
            return StageOutcome.Continue;
        }

        ClientAdmission admission;
        try
        {
            admission = await limiter.AdmitAsync(policy, context.ClientId, cancellationToken).ConfigureAwait(false);
        }
        catch (ClientStateUnavailableException ex)
        {
            return Enforcement.StateUnavailable(context, Id, RateLimitDefense, ex);
        }

        context.Sanctions = admission.Sanctions;
        if (admission.IsBlocked)
        {
            var blocked = new Verdict(Id, SanctionDefense, Flagged: true, DefenseAction.Block) { AtlasTechniqueId = AtlasTechniques.ExtractModel };
            return Enforcement.Apply(context, blocked, ReasonCodes.SuspiciousActivity, "the client is suspended for a while after suspicious activity", admission.RetryAfter);
        }

        if ((admission.Sanctions & ClientSanctions.Degraded) != 0)
        {
            var degraded = new Verdict(Id, SanctionDefense, Flagged: true, DefenseAction.Degrade) { AtlasTechniqueId = AtlasTechniques.ExtractModel };
            Enforcement.Apply(context, degraded, ReasonCodes.SuspiciousActivity, "answers to this client are reduced for a while");
        }

        if (admission.RetryAfter is null)
        {
            return StageOutcome.Continue;
        }

        var throttledNow = (admission.Sanctions & ClientSanctions.Throttled) != 0;
        var verdict = new Verdict(Id, throttledNow ? SanctionDefense : RateLimitDefense, Flagged: true, DefenseAction.Throttle)
        {
            Score = throttledNow ? policy.Extraction?.Throttle.TokensPerSecond : policy.RateLimit?.TokensPerSecond,
            AtlasTechniqueId = throttledNow ? AtlasTechniques.ExtractModel : AtlasTechniques.DenialOfService,
        };
        return Enforcement.Apply(context, verdict, ReasonCodes.RateLimited, "the client's request rate limit is exceeded", admission.RetryAfter);
    }
}
