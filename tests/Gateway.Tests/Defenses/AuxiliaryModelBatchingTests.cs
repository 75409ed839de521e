using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NeuralSec.Detectors.Images;
using NeuralSec.Gateway.Defenses;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Gateway.Tests.OnnxRuntime;

namespace NeuralSec.Gateway.Tests.Defenses;

/// <summary>
/// The detectors' auxiliary models (the MNIST autoencoder) batch like served ones when their config.yaml says
/// <c>dynamicBatching</c>: concurrent requests' detector calls share one execution, each gets exactly its own rows, and
/// without the key every call runs alone as before. Real ONNX Runtime sessions; a fake clock whose queue delay never
/// passes, so a batch runs because it is full.
/// </summary>
public sealed class AuxiliaryModelBatchingTests
{
    private const string Autoencoder = "mnist-autoencoder";
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Concurrent_calls_share_one_execution_and_get_the_unbatched_reconstructions()
    {
        // A name of its own, so that its batch-size series is this test's alone.
        const string name = "autoencoder-batching-test";
        var repository = EmbeddedBackend.Repository((name, AutoencoderOnnx(), "maxBatch: 8\ndynamicBatching:\n  maxQueueDelayMicroseconds: 1000000\n  maxBatchSize: 3\n"));
        try
        {
            using var batched = Models(repository, new FakeTimeProvider());
            using var alone = Models(RepoPaths.ModelRepository, TimeProvider.System);
            var runner = batched.Get(name);
            Assert.NotNull(batched.BatcherOf(name));

            int[] digits = [3, 4, 5];
            var calls = digits.Select(d => runner.RunAsync(Digit(d), CancellationToken.None).AsTask()).ToArray();
            var reconstructions = await Task.WhenAll(calls).WaitAsync(Hang);

            for (var i = 0; i < digits.Length; i++)
            {
                var expected = await alone.Get(Autoencoder).RunAsync(Digit(digits[i]), CancellationToken.None);
                Assert.Equal(expected.Length, reconstructions[i].Length);
                for (var p = 0; p < expected.Length; p++)
                {
                    Assert.Equal(expected[p], reconstructions[i][p], 1e-5f);
                }
            }

            // One execution of three rows.
            var sizes = NeuralSec.Gateway.Metrics.GatewayMetrics.ModelBatchSize.WithLabels(name);
            Assert.Equal((1L, 3.0), ((long)sizes.Count, sizes.Sum));
        }
        finally
        {
            Directory.Delete(repository, recursive: true);
        }
    }

    [Fact]
    public async Task Without_dynamic_batching_in_its_config_every_call_runs_alone()
    {
        using var models = Models(RepoPaths.ModelRepository, new FakeTimeProvider());

        var reconstruction = await models.Get(Autoencoder).RunAsync(Digit(7), CancellationToken.None).AsTask().WaitAsync(Hang);

        Assert.Equal(28 * 28, reconstruction.Length);
        Assert.Null(models.BatcherOf(Autoencoder));
    }

    [Fact]
    public void A_config_that_asks_for_batching_a_model_cannot_do_is_refused_naming_the_file()
    {
        var repository = EmbeddedBackend.Repository(("fixed", TinyModels.FixedBatch(), "maxBatch: 2\ndynamicBatching:\n  maxQueueDelayMicroseconds: 100\n"));
        try
        {
            using var models = Models(repository, TimeProvider.System);

            var refused = Assert.Throws<InvalidDataException>(() => models.Get("fixed"));

            Assert.Contains("config.yaml", refused.Message, StringComparison.Ordinal);
            Assert.Contains("batch dimension", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(repository, recursive: true);
        }
    }

    private static AuxiliaryModels Models(string repository, TimeProvider time)
    {
        var options = new GatewayOptions();
        options.OnnxRuntime.ModelRepository = repository;
        options.OnnxRuntime.ExecutionProvider = ExecutionProviderPreference.Cpu;
        return new AuxiliaryModels(
            Microsoft.Extensions.Options.Options.Create(options),
            new HostingEnvironment { ContentRootPath = repository },
            time,
            NullLogger<AuxiliaryModels>.Instance);
    }

    private static byte[] AutoencoderOnnx() => File.ReadAllBytes(Path.Combine(RepoPaths.ModelRepository, Autoencoder, "1", "model.onnx"));

    private static ImageBatch Digit(int index) => new(TestDigits.Image(index), 1, 1, 28, 28);
}
