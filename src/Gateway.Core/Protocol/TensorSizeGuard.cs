using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Options;

namespace NeuralSec.Gateway.Protocol;

/// <summary>
/// The checks that must run before a single byte is allocated from a caller-declared size: a known datatype,
/// non-negative dimensions, and an element count whose byte size fits the request budget.
/// </summary>
internal static class TensorSizeGuard
{
    public static string? Check(string name, string datatype, IReadOnlyList<long> shape, LimitsOptions limits, out TensorDataType dataType, out long elementCount)
    {
        elementCount = 0;
        dataType = default;
        if (string.IsNullOrEmpty(name))
        {
            return "every input needs a name";
        }

        if (!TensorDataTypes.TryParse(datatype, out var parsed))
        {
            return $"input {CallerText.Quote(name)}: unknown datatype {CallerText.Quote(datatype)} (expected one of BOOL, UINT8..UINT64, INT8..INT64, FP16, BF16, FP32, FP64, BYTES)";
        }

        dataType = parsed.Value;
        if (shape.Count == 0 || shape.Count > 8)
        {
            return $"input {CallerText.Quote(name)}: shape must have 1 to 8 dimensions, got {shape.Count}";
        }

        Span<long> dims = stackalloc long[shape.Count];
        for (var i = 0; i < shape.Count; i++)
        {
            if (shape[i] < 0)
            {
                return $"input {CallerText.Quote(name)}: dimension {i} is {shape[i]}; a request's shape must be concrete (no -1)";
            }

            dims[i] = shape[i];
        }

        var elementSize = Math.Max(1, dataType.ElementSize());
        var count = TensorShape.TryElementCount(dims, limits.MaxInputBytes / elementSize);
        if (count is null)
        {
            return $"input {CallerText.Quote(name)}: shape {TensorShape.Format(dims)} exceeds the request size limit of {limits.MaxInputBytes} bytes";
        }

        elementCount = count.Value;
        return null;
    }
}
