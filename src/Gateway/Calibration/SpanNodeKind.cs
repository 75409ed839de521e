namespace NeuralSec.Gateway.Calibration;

internal enum SpanNodeKind
{
    Scalar,
    Sequence,
    Mapping,
}
