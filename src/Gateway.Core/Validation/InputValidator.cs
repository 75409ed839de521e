using System.Runtime.InteropServices;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Pipeline;
using NeuralSec.Gateway.Protocol;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Validation;

/// <summary>
/// Checks decoded input tensors against the model's declared signature and the sidecar's limits: names,
/// datatypes, shapes (with -1), batch size, NaN/Inf and value ranges, then the policy's own input rules, which
/// may only narrow what the model accepts. The first failure wins, with a message precise enough for the caller
/// to fix the request.
/// </summary>
internal static class InputValidator
{
    public static PipelineRejection? Validate(IReadOnlyList<InferenceTensor> inputs, ModelDescriptor model, LimitsOptions limits, InputPolicy? policy = null)
    {
        var maxBatch = Math.Min(Math.Min(limits.MaxBatch, model.MaxBatch ?? int.MaxValue), policy?.MaxBatch ?? int.MaxValue);
        long? batch = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var input in inputs)
        {
            if (!seen.Add(input.Name))
            {
                return Invalid("duplicate_input", $"input {CallerText.Quote(input.Name)} appears more than once");
            }

            var spec = Find(model.Inputs, input.Name);
            if (spec is null)
            {
                return Invalid("unknown_input", $"model '{model.Name}' has no input {CallerText.Quote(input.Name)} (inputs: {string.Join(", ", model.Inputs.Select(i => i.Name))})");
            }

            if (input.DataType != spec.DataType)
            {
                return Invalid("wrong_datatype", $"input {CallerText.Quote(input.Name)} must be {spec.DataType.ToWireName()}, got {input.DataType.ToWireName()}");
            }

            if (!TensorShape.Matches(input.ShapeSpan, spec.Shape))
            {
                return Invalid("wrong_shape", $"input {CallerText.Quote(input.Name)} must have shape {TensorShape.Format(spec.Shape)} (-1 = any), got {TensorShape.Format(input.ShapeSpan)}");
            }

            if (spec.Shape.Length > 0 && spec.Shape[0] == -1)
            {
                var thisBatch = input.Shape[0];
                if (thisBatch > maxBatch)
                {
                    return Invalid("batch_too_large", $"input {CallerText.Quote(input.Name)} has batch size {thisBatch}; at most {maxBatch} is accepted");
                }

                if (batch is not null && batch != thisBatch)
                {
                    return Invalid("batch_mismatch", $"inputs disagree on the batch size ({batch} vs {thisBatch})");
                }

                batch = thisBatch;
            }

            var rule = policy?.Tensors.FirstOrDefault(r => r.Name == input.Name);
            if (rule?.DataType is { } ruleType && ruleType != input.DataType)
            {
                return Invalid("wrong_datatype", $"input {CallerText.Quote(input.Name)} must be {ruleType.ToWireName()} under this policy, got {input.DataType.ToWireName()}");
            }

            if (rule?.Shape is { } ruleShape && !TensorShape.Matches(input.ShapeSpan, ruleShape))
            {
                return Invalid("wrong_shape", $"input {CallerText.Quote(input.Name)} must have shape {TensorShape.Format(ruleShape)} under this policy (-1 = any), got {TensorShape.Format(input.ShapeSpan)}");
            }

            var valueError = CheckValues(input, Narrower(spec.Range, rule?.Range));
            if (valueError is not null)
            {
                return valueError;
            }
        }

        foreach (var spec in model.Inputs)
        {
            if (!seen.Contains(spec.Name))
            {
                return Invalid("missing_input", $"model '{model.Name}' needs input '{spec.Name}'");
            }
        }

        return null;
    }

    public static PipelineRejection? ValidateRequestedOutputs(IReadOnlyList<string> requested, ModelDescriptor model)
    {
        foreach (var name in requested)
        {
            if (Find(model.Outputs, name) is null)
            {
                return Invalid("unknown_output", $"model '{model.Name}' has no output {CallerText.Quote(name)} (outputs: {string.Join(", ", model.Outputs.Select(o => o.Name))})");
            }
        }

        return null;
    }

    private static PipelineRejection? CheckValues(InferenceTensor input, ValueRange? range)
    {
        switch (input.DataType)
        {
            case TensorDataType.FP32:
                return CheckFloats(input.Name, input.AsSpan<float>(), range);
            case TensorDataType.FP64:
                return CheckDoubles(input.Name, input.AsSpan<double>(), range);
            case TensorDataType.FP16:
            {
                var halves = MemoryMarshal.Cast<byte, Half>(input.Data.Span);
                for (var i = 0; i < halves.Length; i++)
                {
                    var value = (double)halves[i];
                    var error = CheckOne(input.Name, i, value, range);
                    if (error is not null)
                    {
                        return error;
                    }
                }

                return null;
            }

            default:
                return range is null ? null : CheckIntegers(input, range);
        }
    }

    private static PipelineRejection? CheckFloats(string name, ReadOnlySpan<float> values, ValueRange? range)
    {
        // One vectorised pass answers the common case (all finite, in range); the slow loop only runs to name
        // the offending element.
        var min = values.Length == 0 ? 0 : System.Numerics.Tensors.TensorPrimitives.Min(values);
        var max = values.Length == 0 ? 0 : System.Numerics.Tensors.TensorPrimitives.Max(values);
        if (float.IsFinite(min) && float.IsFinite(max) && (range is null || (range.Contains(min) && range.Contains(max))))
        {
            return null;
        }

        for (var i = 0; i < values.Length; i++)
        {
            var error = CheckOne(name, i, values[i], range);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static PipelineRejection? CheckDoubles(string name, ReadOnlySpan<double> values, ValueRange? range)
    {
        for (var i = 0; i < values.Length; i++)
        {
            var error = CheckOne(name, i, values[i], range);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static PipelineRejection? CheckIntegers(InferenceTensor input, ValueRange range)
    {
        var count = input.ElementCount;
        for (var i = 0; i < count; i++)
        {
            double value = input.DataType switch
            {
                TensorDataType.UInt8 => input.Data.Span[i],
                TensorDataType.Int8 => (sbyte)input.Data.Span[i],
                TensorDataType.Int16 => input.AsSpan<short>()[i],
                TensorDataType.UInt16 => input.AsSpan<ushort>()[i],
                TensorDataType.Int32 => input.AsSpan<int>()[i],
                TensorDataType.UInt32 => input.AsSpan<uint>()[i],
                TensorDataType.Int64 => input.AsSpan<long>()[i],
                TensorDataType.UInt64 => input.AsSpan<ulong>()[i],
                _ => 0,
            };
            var error = CheckOne(input.Name, (int)i, value, range);
            if (error is not null)
            {
                return error;
            }
        }

        return null;
    }

    private static PipelineRejection? CheckOne(string name, int index, double value, ValueRange? range)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            return Invalid("non_finite", $"input {CallerText.Quote(name)} element {index} is {value}; NaN and infinity are refused");
        }

        if (range is not null && !range.Contains(value))
        {
            return Invalid("out_of_range", $"input {CallerText.Quote(name)} element {index} is {value}, outside the allowed range {range}");
        }

        return null;
    }

    /// <summary>The intersection of the model's and the policy's ranges: a policy can only narrow.</summary>
    private static ValueRange? Narrower(ValueRange? model, ValueRange? policy) => (model, policy) switch
    {
        (null, _) => policy,
        (_, null) => model,
        _ => new ValueRange(Math.Max(model.Min, policy.Min), Math.Min(model.Max, policy.Max)),
    };

    private static TensorSpec? Find(IReadOnlyList<TensorSpec> specs, string name)
    {
        foreach (var spec in specs)
        {
            if (spec.Name == name)
            {
                return spec;
            }
        }

        return null;
    }

    private static PipelineRejection Invalid(string reasonCode, string message) => PipelineRejection.Invalid(reasonCode, message);
}
