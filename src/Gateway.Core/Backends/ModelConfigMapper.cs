using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Backends;

/// <summary>A <see cref="ModelDescriptor"/> as Triton's <see cref="ModelConfig"/>: what the sidecar knows of a model
/// it serves itself, and nothing it would have to invent.</summary>
internal static class ModelConfigMapper
{
    public static ModelConfig ToConfig(ModelDescriptor model, string backend)
    {
        ArgumentNullException.ThrowIfNull(model);
        var maxBatch = model.MaxBatch ?? 0;
        var config = new ModelConfig { Name = model.Name, Platform = model.Platform, Backend = backend, MaxBatchSize = maxBatch };
        foreach (var input in model.Inputs)
        {
            var entry = new ModelInput { Name = input.Name, DataType = TritonDataTypes.ToConfig(input.DataType) };
            entry.Dims.AddRange(Dims(input.Shape, maxBatch));
            config.Input.Add(entry);
        }

        foreach (var output in model.Outputs)
        {
            var entry = new ModelOutput { Name = output.Name, DataType = TritonDataTypes.ToConfig(output.DataType) };
            entry.Dims.AddRange(Dims(output.Shape, maxBatch));
            config.Output.Add(entry);
        }

        return config;
    }

    /// <summary>Triton lists a batching model's dims without the batch dimension (max_batch_size > 0 implies it).</summary>
    private static ArraySegment<long> Dims(long[] shape, int maxBatch) =>
        maxBatch > 0 && shape.Length > 0 ? new ArraySegment<long>(shape, 1, shape.Length - 1) : new ArraySegment<long>(shape);
}
