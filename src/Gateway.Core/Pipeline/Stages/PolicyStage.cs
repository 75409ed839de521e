using NeuralSec.Gateway.Decisions;
using NeuralSec.Gateway.Identity;
using NeuralSec.Gateway.Policy;
using NeuralSec.Gateway.Protocol;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>
/// Picks the policy for the model and the caller's group from the live snapshot, then settles the caller's id
/// under it: a mesh header counts only where the policy trusts it; callers with no accepted identity get the
/// policy's default client id (per network address unless the policy shares it) or are refused. No policy for the model means no service: the firewall does not
/// forward what nobody wrote a rule for.
/// </summary>
internal sealed class PolicyStage(IPolicyProvider policies) : IPipelineStage
{
    public PipelineStageId Id => PipelineStageId.Policy;

    public ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken)
    {
        var identity = context.Identity;
        var policy = policies.Current.Select(context.ModelName, identity.Group);
        if (policy is null)
        {
            context.Decision.Escalate(DecisionOutcome.Block, ReasonCodes.NoPolicy);
            return Reject(new PipelineRejection(RejectionKind.PermissionDenied, ReasonCodes.NoPolicy, $"no policy governs model {CallerText.Quote(context.ModelName)}"));
        }

        context.Policy = policy;
        context.Decision.Enforced = policy.Mode == PolicyMode.Enforce;

        if (identity.Source == CallerIdentitySource.Header && !policy.Identity.TrustHeader)
        {
            identity = CallerIdentity.None;
        }

        if (identity.ClientId is null)
        {
            if (policy.Identity.DefaultClient is not { } defaultClient)
            {
                context.Decision.Escalate(DecisionOutcome.Block, ReasonCodes.Unauthenticated);
                return Reject(new PipelineRejection(RejectionKind.Unauthenticated, ReasonCodes.Unauthenticated, "this model requires an authenticated client"));
            }

            var client = UnidentifiedClients.Key(defaultClient, policy.Identity.KeyUnidentifiedBy, context.RemoteAddress);
            identity = new CallerIdentity(client, null, CallerIdentitySource.PolicyDefault);
        }

        if (identity.ClientId!.Length > CallerText.MaxIdentifierLength)
        {
            // Per-client state, alerts and logs key on the id: an identity nobody could have issued is refused, not cut.
            context.Decision.Escalate(DecisionOutcome.Block, ReasonCodes.Unauthenticated);
            return Reject(new PipelineRejection(RejectionKind.Unauthenticated, ReasonCodes.Unauthenticated, $"the caller's identity is longer than {CallerText.MaxIdentifierLength} characters"));
        }

        context.Identity = identity;
        context.ClientId = identity.ClientId;
        return ValueTask.FromResult(StageOutcome.Continue);
    }

    private static ValueTask<StageOutcome> Reject(PipelineRejection rejection) => ValueTask.FromResult<StageOutcome>(rejection);
}
