using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using NeuralSec.Detectors.Detection;
using NeuralSec.Gateway.Backends.OnnxRuntime;
using NeuralSec.Gateway.Options;

namespace NeuralSec.Gateway.Defenses;

/// <summary>
/// Models the detectors call by name (<c>reconstructionError.autoencoder: mnist-autoencoder</c>), loaded on
/// first use from the model repository into sessions of their own — whatever backend serves the protected
/// model, and without ever serving them to callers.
/// </summary>
internal sealed class AuxiliaryModels(IOptions<GatewayOptions> options, IHostEnvironment environment, ILogger<AuxiliaryModels> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<(OnnxModel Model, IModelRunner Runner)>> _models = new(StringComparer.Ordinal);
    private readonly string _repository = Path.GetFullPath(options.Value.OnnxRuntime.ModelRepository, environment.ContentRootPath);

    /// <exception cref="FileNotFoundException">The repository has no such model.</exception>
    public IModelRunner Get(string name) =>
        _models.GetOrAdd(name, n => new Lazy<(OnnxModel, IModelRunner)>(() => Load(n), LazyThreadSafetyMode.ExecutionAndPublication)).Value.Runner;

    public void Dispose()
    {
        foreach (var entry in _models.Values.Where(e => e.IsValueCreated))
        {
            entry.Value.Model.Dispose();
        }
    }

    private (OnnxModel, IModelRunner) Load(string name)
    {
        var entry = ModelRepositoryScanner.Scan(_repository, [name]).Single();
        var (version, path) = entry.Versions[^1];
        var selector = new ExecutionProviderSelector(options.Value.OnnxRuntime, logger);
        using var sessionOptions = selector.Create();
        var model = OnnxModel.Load(name, version, path, sessionOptions, new ModelConfig());
        return (model, new OnnxModelRunner(model));
    }
}
