using NeuralSec.Gateway.Protocol;

namespace NeuralSec.Gateway.Rest;

/// <summary>A REST v2 infer body, decoded.</summary>
internal sealed record RestInferRequest(string Id, DecodedTensors Inputs, IReadOnlyList<string> RequestedOutputs)
{
    /// <summary>The body is not JSON (or not UTF-8) at all — a protocol violation rather than a wrong request.</summary>
    public bool NotJson { get; init; }
}
