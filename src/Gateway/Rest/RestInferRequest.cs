using NeuralSec.Gateway.Protocol;

namespace NeuralSec.Gateway.Rest;

/// <summary>A REST v2 infer body, decoded.</summary>
internal sealed record RestInferRequest(string Id, DecodedTensors Inputs, IReadOnlyList<string> RequestedOutputs);
