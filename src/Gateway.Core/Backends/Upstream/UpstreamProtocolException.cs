namespace NeuralSec.Gateway.Backends.Upstream;

/// <summary>The model server answered, but with something that does not follow the protocol (missing raw
/// contents, sizes that disagree with the shape, an unknown datatype). Never retried: it would answer the same.</summary>
internal sealed class UpstreamProtocolException : Exception
{
    public UpstreamProtocolException(string message)
        : base(message)
    {
    }
}
