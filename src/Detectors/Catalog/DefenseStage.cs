namespace NeuralSec.Detectors.Catalog;

/// <summary>Where in the request path a defense runs, and so which policy list (<c>spec.preprocess</c> or
/// <c>spec.detect</c>) may name it.</summary>
public enum DefenseStage
{
    /// <summary>Transforms the input that is forwarded.</summary>
    Preprocess,

    /// <summary>Scores the input; the decision stage acts on the score against a threshold.</summary>
    Detect,
}
