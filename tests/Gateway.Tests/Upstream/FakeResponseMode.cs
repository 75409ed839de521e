namespace NeuralSec.Gateway.Tests.Upstream;

internal enum FakeResponseMode
{
    Raw,
    Typed,
    Malformed,
}
