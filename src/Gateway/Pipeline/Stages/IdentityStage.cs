using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Decisions;
using NeuralSec.Gateway.Identity;
using NeuralSec.Gateway.Options;

namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>
/// Finds who the caller is, in the configured order: a verified client certificate, an API key, a mesh header.
/// A presented API key that matches nothing is refused outright (UNAUTHENTICATED) rather than downgraded to an
/// anonymous caller. Whether a header claim counts is the policy's decision, made in the policy stage.
/// </summary>
internal sealed class IdentityStage(IOptions<GatewayOptions> options, ApiKeyStore apiKeys) : IPipelineStage
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

                case IdentitySource.ApiKey when context.Headers.TryGetValue(_options.ApiKeyHeader, out var key) && key.Length > 0:
                    if (apiKeys.Match(key) is not { } fromKey)
                    {
                        context.Decision.Escalate(DecisionOutcome.Block, ReasonCodes.InvalidApiKey);
                        return ValueTask.FromResult<StageOutcome>(
                            new PipelineRejection(RejectionKind.Unauthenticated, ReasonCodes.InvalidApiKey, "the API key is not valid"));
                    }

                    context.Identity = fromKey;
                    return ValueTask.FromResult(StageOutcome.Continue);

                case IdentitySource.Header when ForwardedClientCert.ClientId(context.Headers.GetValueOrDefault(_options.TrustedHeader)) is { } claimed:
                    context.Identity = new CallerIdentity(claimed, null, CallerIdentitySource.Header);
                    return ValueTask.FromResult(StageOutcome.Continue);
            }
        }

        context.Identity = CallerIdentity.None;
        return ValueTask.FromResult(StageOutcome.Continue);
    }
}
