using Microsoft.ML.OnnxRuntime;
using NeuralSec.Detectors.Detection;
using NeuralSec.Gateway.Backends.OnnxRuntime;
using NeuralSec.Gateway.Defenses;

namespace NeuralSec.Gateway.Calibration;

/// <summary>
/// The models calibration runs, loaded from a model repository into this process's own ONNX Runtime sessions (CPU):
/// the protected classifier and the auxiliary models detectors name. Calibration is offline, so it needs no sidecar
/// and no serving backend — only the same model files the sidecar will serve.
/// </summary>
internal sealed class CalibrationModels(string repository) : IDisposable
{
    private readonly Dictionary<string, (OnnxModel Model, IModelRunner Runner)> _loaded = new(StringComparer.Ordinal);

    public string Repository { get; } = repository;

    /// <summary>The model's latest version, loaded once.</summary>
    /// <exception cref="CalibrationException">The repository has no such model, or it does not load.</exception>
    public OnnxModel Model(string name) => Get(name).Model;

    public IModelRunner Runner(string name) => Get(name).Runner;

    public void Dispose()
    {
        foreach (var (model, _) in _loaded.Values)
        {
            model.Dispose();
        }

        _loaded.Clear();
    }

    private (OnnxModel Model, IModelRunner Runner) Get(string name)
    {
        if (_loaded.TryGetValue(name, out var loaded))
        {
            return loaded;
        }

        try
        {
            var entry = ModelRepositoryScanner.Scan(Repository, [name]).Single();
            var (version, path) = entry.Versions[^1];
            using var options = new Microsoft.ML.OnnxRuntime.SessionOptions();
            var model = OnnxModel.Load(name, version, path, options, new ModelConfig());
            loaded = (model, new OnnxModelRunner(model));
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or OnnxRuntimeException or UnauthorizedAccessException)
        {
            throw new CalibrationException($"model '{name}': {ex.Message}", ex);
        }

        _loaded[name] = loaded;
        return loaded;
    }
}
