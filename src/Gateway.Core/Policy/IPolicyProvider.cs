using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Policy;

/// <summary>The live policy set. Read once per request: a request sees one snapshot from start to end.</summary>
internal interface IPolicyProvider
{
    PolicySnapshot Current { get; }
}
