using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Pipeline;

namespace NeuralSec.Gateway.Protocol;

/// <summary>The tensors of a request as the wire delivered them, or why they could not be read.</summary>
internal readonly record struct DecodedTensors(IReadOnlyList<InferenceTensor>? Tensors, PipelineRejection? Rejection)
{
    public static DecodedTensors Fail(string reasonCode, string message) => new(null, PipelineRejection.Invalid(reasonCode, message));
}
