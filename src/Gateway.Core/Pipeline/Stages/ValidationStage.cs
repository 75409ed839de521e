using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Protocol;
using NeuralSec.Gateway.Validation;

namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>Refuses requests the model cannot take: unknown model or version, and inputs that do not fit the
/// model's signature or the sidecar's limits.</summary>
internal sealed class ValidationStage(IModelBackend backend, IOptions<GatewayOptions> options) : IPipelineStage
{
    private readonly LimitsOptions _limits = options.Value.Limits;

    public PipelineStageId Id => PipelineStageId.Validate;

    public async ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken)
    {
        ModelDescriptor? model;
        try
        {
            model = await backend.GetModelAsync(context.ModelName, context.ModelVersion, cancellationToken).ConfigureAwait(false);
        }
        catch (BackendException ex)
        {
            return BackendFaults.ToRejection(ex);
        }

        if (model is null)
        {
            return context.ModelVersion is null
                ? PipelineRejection.ModelNotFound(context.ModelName)
                : new PipelineRejection(RejectionKind.NotFound, "model_not_found", $"model {CallerText.Quote(context.ModelName)} version {CallerText.Quote(context.ModelVersion)} is not served here");
        }

        context.Model = model;
        var rejection = InputValidator.Validate(context.Inputs, model, _limits, context.Policy?.Input)
            ?? InputValidator.ValidateRequestedOutputs(context.RequestedOutputs, model);
        return rejection is null ? StageOutcome.Continue : rejection;
    }
}
