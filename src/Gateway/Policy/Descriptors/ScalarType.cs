namespace NeuralSec.Gateway.Policy.Descriptors;

internal enum ScalarType
{
    String,
    Integer,
    Number,
    Boolean,
}
