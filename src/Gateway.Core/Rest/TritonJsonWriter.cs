using System.Text.Json;
using NeuralSec.Gateway.Backends;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Rest;

/// <summary>
/// Triton's REST JSON for its repository extensions — model configuration, statistics, the repository index — in
/// Triton's shape: proto field names, enum names (<c>TYPE_FP32</c>), and 64-bit integers as JSON numbers, as Triton
/// writes them (protobuf's own JSON mapping would quote them and break clients that read Triton).
/// </summary>
internal static class TritonJsonWriter
{
    public static void WriteConfig(Utf8JsonWriter writer, ModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(config);
        writer.WriteStartObject();
        writer.WriteString("name", config.Name);
        writer.WriteString("platform", config.Platform);
        writer.WriteString("backend", config.Backend);
        writer.WriteNumber("max_batch_size", config.MaxBatchSize);
        writer.WriteStartArray("input");
        foreach (var input in config.Input)
        {
            WriteTensor(writer, input.Name, input.DataType, input.Dims);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("output");
        foreach (var output in config.Output)
        {
            WriteTensor(writer, output.Name, output.DataType, output.Dims);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteStatistics(Utf8JsonWriter writer, ModelStatisticsResponse statistics)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(statistics);
        writer.WriteStartObject();
        writer.WriteStartArray("model_stats");
        foreach (var model in statistics.ModelStats)
        {
            writer.WriteStartObject();
            writer.WriteString("name", model.Name);
            writer.WriteString("version", model.Version);
            writer.WriteNumber("last_inference", model.LastInference);
            writer.WriteNumber("inference_count", model.InferenceCount);
            writer.WriteNumber("execution_count", model.ExecutionCount);
            writer.WriteStartObject("inference_stats");
            if (model.InferenceStats is { } stats)
            {
                WriteDuration(writer, "success", stats.Success);
                WriteDuration(writer, "fail", stats.Fail);
                WriteDuration(writer, "queue", stats.Queue);
                WriteDuration(writer, "compute_input", stats.ComputeInput);
                WriteDuration(writer, "compute_infer", stats.ComputeInfer);
                WriteDuration(writer, "compute_output", stats.ComputeOutput);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteIndex(Utf8JsonWriter writer, RepositoryIndexResponse index)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(index);
        writer.WriteStartArray();
        foreach (var model in index.Models)
        {
            writer.WriteStartObject();
            writer.WriteString("name", model.Name);
            writer.WriteString("version", model.Version);
            writer.WriteString("state", model.State);
            writer.WriteString("reason", model.Reason);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteTensor(Utf8JsonWriter writer, string name, DataType dataType, IEnumerable<long> dims)
    {
        writer.WriteStartObject();
        writer.WriteString("name", name);
        writer.WriteString("data_type", TritonDataTypes.ConfigName(dataType));
        writer.WriteStartArray("dims");
        foreach (var dim in dims)
        {
            writer.WriteNumberValue(dim);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>A phase the backend does not measure is left out rather than reported as zero.</summary>
    private static void WriteDuration(Utf8JsonWriter writer, string name, StatisticDuration? duration)
    {
        if (duration is null)
        {
            return;
        }

        writer.WriteStartObject(name);
        writer.WriteNumber("count", duration.Count);
        writer.WriteNumber("ns", duration.Ns);
        writer.WriteEndObject();
    }
}
