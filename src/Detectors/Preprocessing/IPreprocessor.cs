using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Preprocessing;

/// <summary>
/// A preprocessing defense: transforms the images that are forwarded to the model, in place, keeping shape, layout and
/// scaling. Built by <see cref="DefenseFactory.CreatePreprocessor"/>; immutable and safe to share between concurrent requests.
/// </summary>
public interface IPreprocessor
{
    /// <summary>The policy <c>type:</c> (or squeezer name) it was built from.</summary>
    string Type { get; }

    /// <summary>True when the output depends on <c>random</c>; deterministic transforms ignore it.</summary>
    bool IsRandomized { get; }

    /// <summary>Transforms <paramref name="batch"/> in place. <paramref name="random"/> is the request's own source
    /// (seeded per request by the gateway, fixed in tests); never shared between threads.</summary>
    void Apply(ImageBatch batch, Random random);
}
