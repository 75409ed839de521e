using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Detection;

/// <summary>
/// A detector: scores each image of a request; the gateway's decision stage compares the score with the policy's calibrated
/// threshold (<see cref="DetectorResult.IsFlagged"/>). Built by <see cref="DefenseFactory.CreateDetector"/>; immutable and safe
/// to share between concurrent requests. A detector never modifies the batch it scores.
/// </summary>
public interface IDetector
{
    /// <summary>The policy <c>type:</c> it was built from.</summary>
    string Type { get; }

    /// <summary>True when a low score is suspicious (STRIP entropy); false when a high one is.</summary>
    bool FlagsBelowThreshold { get; }

    /// <summary>Auxiliary models it calls by name (an autoencoder), so the gateway can check they are loaded when the policy is.</summary>
    IReadOnlyList<string> AuxiliaryModels { get; }

    ValueTask<DetectorResult> ScoreAsync(ImageBatch batch, DetectionContext context, CancellationToken cancellationToken);
}
