using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using NeuralSec.Detectors.Detection;
using NeuralSec.Gateway.Backends.OnnxRuntime;
using NeuralSec.Gateway.Metrics;
using NeuralSec.Gateway.Options;

namespace NeuralSec.Gateway.Defenses;

/// <summary>
/// Models the detectors call by name (<c>reconstructionError.autoencoder: mnist-autoencoder</c>), loaded on
/// first use from the model repository into sessions of their own — whatever backend serves the protected
/// model, and without ever serving them to callers. A model whose <c>config.yaml</c> has <c>dynamicBatching</c> runs
/// its calls through a <see cref="DynamicBatcher"/>, as the embedded backend runs a served model's: concurrent
/// requests' detector calls share executions.
/// </summary>
internal sealed class AuxiliaryModels(IOptions<GatewayOptions> options, IHostEnvironment environment, TimeProvider time, ILogger<AuxiliaryModels> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Loaded>> _models = new(StringComparer.Ordinal);
    private readonly string _repository = Path.GetFullPath(options.Value.OnnxRuntime.ModelRepository, environment.ContentRootPath);

    /// <exception cref="FileNotFoundException">The repository has no such model.</exception>
    /// <exception cref="InvalidDataException">Its config.yaml asks for batching the model cannot do.</exception>
    public IModelRunner Get(string name) =>
        _models.GetOrAdd(name, n => new Lazy<Loaded>(() => Load(n), LazyThreadSafetyMode.ExecutionAndPublication)).Value.Runner;

    /// <summary>The batcher of a loaded model, or null when it runs every call alone (or is not loaded yet).</summary>
    internal DynamicBatcher? BatcherOf(string name) =>
        _models.TryGetValue(name, out var entry) && entry.IsValueCreated ? entry.Value.Batcher : null;

    public void Dispose()
    {
        foreach (var entry in _models.Values.Where(e => e.IsValueCreated))
        {
            // The batcher first: it stops its loop (answering what waits) before the session goes.
            entry.Value.Batcher?.Dispose();
            entry.Value.Model.Dispose();
        }
    }

    private Loaded Load(string name)
    {
        var entry = ModelRepositoryScanner.Scan(_repository, [name]).Single();
        var (version, path) = entry.Versions[^1];
        var configPath = Path.Combine(entry.Directory, ModelConfig.FileName);
        var config = ModelConfig.LoadOrDefault(configPath);
        var selector = new ExecutionProviderSelector(options.Value.OnnxRuntime, logger);
        using var sessionOptions = selector.Create();
        var model = OnnxModel.Load(name, version, path, sessionOptions, config, time);
        DynamicBatcher? batcher;
        try
        {
            batcher = DynamicBatcher.FromConfig(model, config, configPath, time, GatewayMetrics.ModelBatchSize.WithLabels(name), logger);
        }
        catch
        {
            model.Dispose();
            throw;
        }

        return batcher is null
            ? new Loaded(model, null, new OnnxModelRunner(model))
            : new Loaded(model, batcher, new BatchedModelRunner(model, batcher));
    }

    private sealed record Loaded(OnnxModel Model, DynamicBatcher? Batcher, IModelRunner Runner);
}
