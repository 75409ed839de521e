namespace NeuralSec.Detectors.Catalog;

/// <summary>
/// What a detector spends per input, in the order a <c>cheapFirst</c> policy runs them: each class costs an order of
/// magnitude more than the one before on a CPU (docs/defenses.md has the measured figures). Only the class is in the
/// catalog, not a number: the figure depends on the model, the hardware and the backend, the order does not.
/// </summary>
public enum DetectorCost
{
    /// <summary>Arithmetic on the pixels, no model call (statistics): tens of microseconds for a digit.</summary>
    Pixels,

    /// <summary>One run of a small auxiliary model in the sidecar (reconstruction error's autoencoder).</summary>
    AuxiliaryModel,

    /// <summary>A few extra images through the served model, in one batched call (feature squeezing).</summary>
    ServedModel,

    /// <summary>Many extra images through the served model per input (STRIP's superimpositions).</summary>
    ServedModelMany,
}
