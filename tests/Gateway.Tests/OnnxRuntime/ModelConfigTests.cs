using NeuralSec.Gateway.Backends.OnnxRuntime;

namespace NeuralSec.Gateway.Tests.OnnxRuntime;

/// <summary>A model's <c>config.yaml</c>, read strictly: the <c>dynamicBatching</c> section and its errors.</summary>
public sealed class ModelConfigTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("neuralsec-model-config-").FullName;

    [Fact]
    public void Accepts_dynamic_batching_in_the_Triton_spirit()
    {
        var config = Load("maxBatch: 64\ndynamicBatching: { maxQueueDelayMicroseconds: 200, maxBatchSize: 32 }\n");

        Assert.NotNull(config.DynamicBatching);
        Assert.Equal(200, config.DynamicBatching.MaxQueueDelayMicroseconds);
        Assert.Equal(32, config.DynamicBatching.EffectiveMaxBatchSize(64));
    }

    [Fact]
    public void Defaults_are_no_delay_and_the_models_largest_batch()
    {
        var config = Load("maxBatch: 16\ndynamicBatching: {}\n");

        Assert.Equal(0, config.DynamicBatching!.MaxQueueDelayMicroseconds);
        Assert.Equal(16, config.DynamicBatching.EffectiveMaxBatchSize(16));
    }

    [Fact]
    public void Without_the_section_nothing_batches()
    {
        Assert.Null(Load("maxBatch: 64\n").DynamicBatching);
    }

    [Theory]
    [InlineData("dynamicBatching: { maxQueueDelayMicroseconds: 100 }", "dynamicBatching needs maxBatch (the largest batch the model accepts)")]
    [InlineData("maxBatch: 8\ndynamicBatching: { maxQueueDelayMicroseconds: -1 }", "dynamicBatching.maxQueueDelayMicroseconds must be between 0 and 1,000,000 (1 s), not -1")]
    [InlineData("maxBatch: 8\ndynamicBatching: { maxQueueDelayMicroseconds: 2000000 }", "dynamicBatching.maxQueueDelayMicroseconds must be between 0 and 1,000,000 (1 s), not 2000000")]
    [InlineData("maxBatch: 8\ndynamicBatching: { maxBatchSize: 16 }", "dynamicBatching.maxBatchSize must be between 2 and maxBatch (8), not 16")]
    [InlineData("maxBatch: 8\ndynamicBatching: { maxBatchSize: 1 }", "dynamicBatching.maxBatchSize must be between 2 and maxBatch (8), not 1")]
    [InlineData("maxBatch: 1\ndynamicBatching: {}", "dynamicBatching with maxBatch 1 cannot batch")]
    public void Rejects_invalid_values_with_what_is_allowed(string yaml, string error)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Load(yaml));

        Assert.StartsWith(Path.Combine(_folder, ModelConfig.FileName) + ": ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(error, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("maxBatch: 8\ndynamicBatching:\n  maxQueueDelay: 100\n", "3:3: unknown key 'maxQueueDelay' in dynamicBatching; did you mean 'maxQueueDelayMicroseconds'?")]
    [InlineData("maxBatch: 8\ndynamicBatching:\n  maxBatchsize: 4\n", "3:3: unknown key 'maxBatchsize' in dynamicBatching; did you mean 'maxBatchSize'?")]
    [InlineData("maxBatch: 8\ndynamicBatchng: {}\n", "2:1: unknown key 'dynamicBatchng' in the top level; did you mean 'dynamicBatching'?")]
    [InlineData("maxBatch: 8\ndynamicBatching:\n  preferredBatchSize: [4]\n", "3:3: unknown key 'preferredBatchSize' in dynamicBatching; allowed: maxQueueDelayMicroseconds, maxBatchSize")]
    public void Rejects_unknown_keys_with_a_suggestion_and_their_place(string yaml, string error)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Load(yaml));

        Assert.Equal($"{Path.Combine(_folder, ModelConfig.FileName)}:{error}", ex.Message);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private ModelConfig Load(string yaml)
    {
        var path = Path.Combine(_folder, ModelConfig.FileName);
        File.WriteAllText(path, yaml);
        return ModelConfig.Load(path);
    }
}
