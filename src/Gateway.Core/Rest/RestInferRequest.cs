using NeuralSec.Gateway.Protocol;

namespace NeuralSec.Gateway.Rest;

/// <summary>A REST v2 infer body, decoded.</summary>
internal sealed record RestInferRequest(string Id, DecodedTensors Inputs, IReadOnlyList<string> RequestedOutputs)
{
    /// <summary>The body is not JSON (or not UTF-8) at all — a protocol violation rather than a wrong request.</summary>
    public bool NotJson { get; init; }

    /// <summary>The request's <c>binary_data_output</c>: outputs are answered as raw bytes after the JSON unless
    /// their own <c>binary_data</c> says otherwise.</summary>
    public bool BinaryOutput { get; init; }

    /// <summary>Outputs whose own <c>binary_data</c> parameter decides; null when none has one.</summary>
    public IReadOnlyDictionary<string, bool>? OutputBinary { get; init; }

    /// <summary>Whether the output named <paramref name="name"/> is answered as raw bytes.</summary>
    public bool IsBinary(string name) =>
        OutputBinary is not null && OutputBinary.TryGetValue(name, out var binary) ? binary : BinaryOutput;
}
