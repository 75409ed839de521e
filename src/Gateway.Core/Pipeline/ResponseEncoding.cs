namespace NeuralSec.Gateway.Pipeline;

/// <summary>How the caller sent its tensors, and so how the answer is written back.</summary>
internal enum ResponseEncoding
{
    /// <summary>Typed <c>contents</c> fields.</summary>
    Typed,

    /// <summary><c>raw_input_contents</c> in, <c>raw_output_contents</c> out.</summary>
    Raw,
}
