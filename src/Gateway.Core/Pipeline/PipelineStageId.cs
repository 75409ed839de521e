namespace NeuralSec.Gateway.Pipeline;

/// <summary>
/// The stages of the request path. The order of this enum is the order they run in, declared once here: the
/// pipeline sorts the registered stages by it and refuses to start unless each appears exactly once. A new stage is
/// a new member in its place and one registration.
/// </summary>
internal enum PipelineStageId
{
    /// <summary>Who the caller is: client certificate, API key, mesh header.</summary>
    Identity,

    /// <summary>Which policy governs the request, and the caller's client id under it.</summary>
    Policy,

    /// <summary>The model exists and the inputs fit its signature and the limits.</summary>
    Validate,

    /// <summary>The client's budget, before any model or defense compute is spent.</summary>
    Limit,

    /// <summary>Purifying transforms of what is forwarded.</summary>
    Preprocess,

    /// <summary>Detectors score the caller's original input.</summary>
    Detect,

    /// <summary>Verdicts become the request's decision.</summary>
    Decide,

    /// <summary>The model answers.</summary>
    Forward,

    /// <summary>Stateful query-stream observers see the answered query (inputs, outputs, client, time) and may shape
    /// the answer before it is hardened.</summary>
    Observe,

    /// <summary>Output hardening (top-k, rounding, label-only, degrade).</summary>
    Harden,

    /// <summary>Every non-allow decision becomes an alert; runs after refusals too.</summary>
    Alert,
}
