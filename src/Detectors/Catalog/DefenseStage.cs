namespace NeuralSec.Detectors.Catalog;

/// <summary>Where in the request path a defense runs, and so which policy list (<c>spec.preprocess</c>,
/// <c>spec.detect</c> or <c>spec.extraction.detectors</c>) may name it.</summary>
public enum DefenseStage
{
    /// <summary>Transforms the input that is forwarded.</summary>
    Preprocess,

    /// <summary>Scores the input; the decision stage acts on the score against a threshold.</summary>
    Detect,

    /// <summary>Watches each client's query stream after the model answered; spec.extraction.detectors.</summary>
    Stream,
}
