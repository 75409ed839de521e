using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Pipeline;

namespace NeuralSec.Gateway.Defenses;

/// <summary>Finds the policy's image input among a request's tensors and reads it as an image batch.</summary>
internal static class ImageInputs
{
    public static bool TryRead(IReadOnlyList<InferenceTensor> inputs, PolicyDefenses defenses, out int index, out ImageBatch? batch, out PipelineRejection? rejection)
    {
        var name = defenses.Image!.Tensor;
        batch = null;
        rejection = null;
        index = -1;
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i].Name == name)
            {
                index = i;
                break;
            }
        }

        if (index < 0)
        {
            rejection = PipelineRejection.Invalid("missing_input", $"the policy's image input '{name}' is missing");
            return false;
        }

        if (!ImageBatch.TryFromTensor(inputs[index], defenses.Layout, defenses.Scaling, out batch, out var error))
        {
            rejection = PipelineRejection.Invalid("not_an_image", error);
            return false;
        }

        return true;
    }
}
