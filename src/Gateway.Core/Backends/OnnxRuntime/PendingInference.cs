using NeuralSec.Detectors.Tensors;

namespace NeuralSec.Gateway.Backends.OnnxRuntime;

/// <summary>
/// One caller's request waiting in a <see cref="DynamicBatcher"/>: its inputs, how many rows it adds to a batch, when
/// it arrived, and the answer it is waiting for. The answer is set once: by the batch loop (its slice of the outputs,
/// or the batch's error) or by the caller's cancellation, whichever comes first — so a caller that left is simply
/// skipped by a batch not yet run, and a slice for it is discarded.
/// </summary>
internal sealed class PendingInference
{
    private readonly TaskCompletionSource<IReadOnlyList<InferenceTensor>> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PendingInference(BackendInferRequest request, int rows, long arrived)
    {
        Request = request;
        Rows = rows;
        Arrived = arrived;
    }

    public BackendInferRequest Request { get; }

    /// <summary>The request's first dimension: the rows it adds to a batch.</summary>
    public int Rows { get; }

    /// <summary><see cref="TimeProvider"/> timestamp of its arrival at the batcher (queue time counts from here).</summary>
    public long Arrived { get; }

    public Task<IReadOnlyList<InferenceTensor>> Answer => _answer.Task;

    /// <summary>True once answered or abandoned: a batch not yet run leaves it out.</summary>
    public bool IsSettled => _answer.Task.IsCompleted;

    /// <summary>Delivers the caller's outputs; false when the caller left first (the slice is discarded).</summary>
    public bool TrySucceed(IReadOnlyList<InferenceTensor> outputs) => _answer.TrySetResult(outputs);

    /// <summary>Fails the caller; false when it was already answered or gone.</summary>
    public bool TryFail(Exception error) => _answer.TrySetException(error);

    /// <summary>Whether it can share one execution with <paramref name="other"/>: the same inputs in the same order,
    /// each with the same datatype and the same dimensions after the first, and the same outputs asked for (so a batch
    /// never runs an output one of its callers did not name, and one caller's unknown output name fails only
    /// requests that named it too, as it would alone).</summary>
    public bool CanBatchWith(PendingInference other)
    {
        var (a, b) = (Request, other.Request);
        if (a.Inputs.Count != b.Inputs.Count || a.RequestedOutputs.Count != b.RequestedOutputs.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Inputs.Count; i++)
        {
            var (x, y) = (a.Inputs[i], b.Inputs[i]);
            if (x.Name != y.Name || x.DataType != y.DataType || !x.ShapeSpan[1..].SequenceEqual(y.ShapeSpan[1..]))
            {
                return false;
            }
        }

        for (var i = 0; i < a.RequestedOutputs.Count; i++)
        {
            if (a.RequestedOutputs[i] != b.RequestedOutputs[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The rows <paramref name="request"/> would add to a batch, or null when it cannot join one and runs
    /// alone, exactly as without batching: no inputs, a scalar, inputs that disagree on their first dimension, an
    /// empty or oversized first dimension, BYTES, or data whose length is not what its shape says (the model's
    /// own error for that must stay the caller's alone).</summary>
    public static int? RowsOf(BackendInferRequest request, int maxBatchSize)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Inputs.Count == 0)
        {
            return null;
        }

        long rows = -1;
        foreach (var input in request.Inputs)
        {
            var shape = input.ShapeSpan;
            var size = input.DataType.ElementSize();
            if (shape.Length == 0 || size == 0 || (rows >= 0 && shape[0] != rows)
                || input.Data.Length % size != 0 || TensorShape.TryElementCount(shape) != input.Data.Length / size)
            {
                return null;
            }

            rows = shape[0];
        }

        return rows is >= 1 && rows <= maxBatchSize ? (int)rows : null;
    }
}
