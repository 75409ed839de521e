using NeuralSec.Detectors.Preprocessing;
using NeuralSec.Gateway.Pipeline;

namespace NeuralSec.Gateway.Defenses;

/// <summary>Runs a chain of transforms over a copy of the request's image input and makes the copy what is forwarded:
/// <c>spec.preprocess</c> for every request, <c>spec.repair</c> for a repaired one.</summary>
internal static class ImageTransforms
{
    /// <summary>Applies <paramref name="chain"/> in order to a copy of <see cref="InferenceContext.Inputs"/>' image.</summary>
    /// <param name="current">Set to each transform's type before it runs, so a caller catching its exception can name it.</param>
    /// <returns>Null when applied; the rejection when the image input is missing or not an image.</returns>
    public static PipelineRejection? Apply(InferenceContext context, PolicyDefenses defenses, IReadOnlyList<IPreprocessor> chain, Random random, ref string current)
    {
        if (!ImageInputs.TryRead(context.Inputs, defenses, out var index, out var batch, out var rejection))
        {
            return rejection;
        }

        foreach (var transform in chain)
        {
            current = transform.Type;
            transform.Apply(batch!, random);
        }

        var inputs = context.Inputs.ToArray();
        inputs[index] = batch!.ToTensor(inputs[index].Name);
        context.Inputs = inputs;
        return null;
    }
}
