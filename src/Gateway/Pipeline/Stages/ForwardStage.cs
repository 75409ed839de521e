using NeuralSec.Gateway.Backends;

namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>Sends the (validated, defended) inputs to the model and keeps its outputs.</summary>
internal sealed class ForwardStage(IModelBackend backend) : IPipelineStage
{
    public string Name => "forward";

    public async ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken)
    {
        var request = new BackendInferRequest(context.ModelName, context.ModelVersion, context.RequestId, context.Inputs, context.RequestedOutputs)
        {
            Deadline = context.Deadline,
        };
        try
        {
            var result = await backend.InferAsync(request, cancellationToken).ConfigureAwait(false);
            context.ServedVersion = result.ModelVersion;
            context.Outputs = result.Outputs;
            return StageOutcome.Continue;
        }
        catch (BackendException ex)
        {
            return BackendFaults.ToRejection(ex);
        }
    }
}
