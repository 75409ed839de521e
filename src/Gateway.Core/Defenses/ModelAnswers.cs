using System.Runtime.InteropServices;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Backends;

namespace NeuralSec.Gateway.Defenses;

/// <summary>
/// What the protected model already answered while the detectors scored one request: each batch they ran through it
/// and the model's single output for it. Feature squeezing puts the caller's images and their squeezed views in one
/// batch; when the tensor to forward is exactly one of those blocks of rows — the caller's own input, or the
/// bit-depth-1 view a purifying policy forwards — forwarding answers from those rows instead of running the model a
/// second time on the same pixels.
/// </summary>
/// <remarks>A match is byte-for-byte on the FP32 values sent, the tensor's name and every dimension past the batch; the
/// model is the one that serves the request, through the same backend, in the same request. Per request and small:
/// the batches a detector ran (a few images each).</remarks>
internal sealed class ModelAnswers(string inputName)
{
    private readonly List<Answered> _answered = [];

    /// <summary>Keeps one batch and the model's only output for it; anything else (several outputs, rows that do not
    /// divide the batch) is not kept.</summary>
    public void Remember(InferenceTensor sent, BackendInferResult result)
    {
        if (result.Outputs.Count != 1 || result.Outputs[0].DataType != TensorDataType.FP32 || sent.Shape.Count == 0 || sent.Shape[0] <= 0
            || result.Outputs[0].Shape.Count == 0 || result.Outputs[0].Shape[0] != sent.Shape[0])
        {
            return;
        }

        lock (_answered)
        {
            _answered.Add(new Answered(sent, result.ModelVersion, result.Outputs[0]));
        }
    }

    /// <summary>The model's answer to <paramref name="inputs"/> when it is one image tensor that some kept batch holds
    /// as a contiguous block of rows starting at a multiple of its own batch size.</summary>
    public bool TryAnswer(IReadOnlyList<InferenceTensor> inputs, IReadOnlyList<string> requestedOutputs, out BackendInferResult? answer)
    {
        answer = null;
        if (inputs.Count != 1 || inputs[0] is not { DataType: TensorDataType.FP32 } input || input.Name != inputName || input.Shape.Count == 0)
        {
            return false;
        }

        var rows = input.Shape[0];
        lock (_answered)
        {
            foreach (var kept in _answered)
            {
                var batch = kept.Sent.Shape[0];
                if (requestedOutputs.Count > 1 || (requestedOutputs.Count == 1 && requestedOutputs[0] != kept.Output.Name)
                    || rows <= 0 || batch % rows != 0 || !SameImageShape(input.Shape, kept.Sent.Shape))
                {
                    continue;
                }

                var block = input.Data.Length;
                if ((long)block * (batch / rows) != kept.Sent.Data.Length)
                {
                    continue;
                }

                for (var start = 0L; start + rows <= batch; start += rows)
                {
                    if (kept.Sent.Data.Span.Slice((int)(start / rows * block), block).SequenceEqual(input.Data.Span))
                    {
                        answer = new BackendInferResult(kept.Version, [Rows(kept.Output, (int)start, (int)rows)]);
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static bool SameImageShape(IReadOnlyList<long> input, IReadOnlyList<long> batch)
    {
        if (input.Count != batch.Count)
        {
            return false;
        }

        for (var i = 1; i < input.Count; i++)
        {
            if (input[i] != batch[i])
            {
                return false;
            }
        }

        return true;
    }

    private static InferenceTensor Rows(InferenceTensor output, int start, int count)
    {
        var values = output.AsSpan<float>();
        var perRow = values.Length / (int)output.Shape[0];
        var shape = output.Shape.ToArray();
        shape[0] = count;
        return new InferenceTensor(output.Name, TensorDataType.FP32, shape, MemoryMarshal.AsBytes(values.Slice(start * perRow, count * perRow)).ToArray());
    }

    private sealed record Answered(InferenceTensor Sent, string Version, InferenceTensor Output);
}
