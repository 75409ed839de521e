namespace NeuralSec.Policy.Descriptors;

internal enum ScalarType
{
    String,
    Integer,
    Number,
    Boolean,
}
