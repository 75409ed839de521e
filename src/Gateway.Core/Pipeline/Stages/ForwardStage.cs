using NeuralSec.Gateway.Backends;

namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>Sends the (validated, defended) inputs to the model and keeps its outputs — or, when a detector already
/// ran the model on exactly these pixels (the caller's own, or the purified view a detector also squeezed), keeps
/// that answer instead of asking the model twice.</summary>
internal sealed class ForwardStage(IModelBackend backend) : IPipelineStage
{
    public PipelineStageId Id => PipelineStageId.Forward;

    public async ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken)
    {
        if (context.ModelAnswers is { } answers && answers.TryAnswer(context.Inputs, context.RequestedOutputs, out var answered))
        {
            context.ServedVersion = answered!.ModelVersion;
            context.Outputs = answered.Outputs;
            return StageOutcome.Continue;
        }

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
