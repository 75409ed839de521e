using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.Decisions;
using NeuralSec.Gateway.Identity;
using NeuralSec.Gateway.Options;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>
/// Finds who the caller is, in the configured order: a verified client certificate, an API key, a mesh header.
/// A presented API key that matches nothing — an empty one included — is refused outright (UNAUTHENTICATED)
/// rather than downgraded to an anonymous caller. Each source address has a budget of such failures; beyond it,
/// its key-bearing requests are throttled before the key is even hashed. Whether a header claim counts is the
/// policy's decision, made in the policy stage.
/// </summary>
internal sealed class IdentityStage(IOptions<GatewayOptions> options, ApiKeyStore apiKeys, FailedAuthThrottle failures) : IPipelineStage
{
    private readonly IdentityOptions _options = options.Value.Identity;

    public PipelineStageId Id => PipelineStageId.Identity;

    public ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken)
    {
        foreach (var source in _options.Sources)
        {
            switch (source)
            {
                case IdentitySource.ClientCertificate when CertificateIdentity.From(context.ClientCertificate, _options.CertificateField) is { } fromCertificate:
                    context.Identity = fromCertificate;
                    return ValueTask.FromResult(StageOutcome.Continue);

                case IdentitySource.ApiKey when context.Headers.TryGetValue(_options.ApiKeyHeader, out var key):
                    return ValueTask.FromResult(AuthenticateKey(context, key));

                case IdentitySource.Header when ForwardedClientCert.ClientId(context.Headers.GetValueOrDefault(_options.TrustedHeader)) is { } claimed:
                    context.Identity = new CallerIdentity(claimed, null, CallerIdentitySource.Header);
                    return ValueTask.FromResult(StageOutcome.Continue);
            }
        }

        context.Identity = CallerIdentity.None;
        return ValueTask.FromResult(StageOutcome.Continue);
    }

    private StageOutcome AuthenticateKey(InferenceContext context, string key)
    {
        // Checked first, so an address over its budget costs a dictionary probe, not a hash per guess. Even a
        // right key waits: telling it from a wrong one is exactly the work being refused.
        if (failures.RetryAfter(context.RemoteAddress) is { } retryAfter)
        {
            context.Decision.Add(new Verdict(Id, "failedAuth", Flagged: true, DefenseAction.Throttle)
            {
                AtlasTechniqueId = AtlasTechniques.InferenceApiAccess,
            });
            context.Decision.Escalate(DecisionOutcome.Throttle, ReasonCodes.AuthThrottled);
            return new PipelineRejection(RejectionKind.ResourceExhausted, ReasonCodes.AuthThrottled, "too many failed authentication attempts")
            {
                RetryAfter = retryAfter,
            };
        }

        // An empty header is a key that matches nothing, not an absent one: a client that meant to send a key and
        // sent nothing must not silently become anonymous.
        if (key.Length == 0 || apiKeys.Match(key) is not { } fromKey)
        {
            failures.RecordFailure(context.RemoteAddress);
            context.Decision.Escalate(DecisionOutcome.Block, ReasonCodes.InvalidApiKey);
            return new PipelineRejection(RejectionKind.Unauthenticated, ReasonCodes.InvalidApiKey, "the API key is not valid");
        }

        context.Identity = fromKey;
        return StageOutcome.Continue;
    }
}
