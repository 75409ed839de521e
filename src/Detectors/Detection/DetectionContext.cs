namespace NeuralSec.Detectors.Detection;

/// <summary>Per-request inputs of a detector: the protected model, the auxiliary models by name, and the request's random
/// source (seeded per request by the gateway; STRIP draws its overlays from it).</summary>
public sealed class DetectionContext
{
    private readonly Func<string, IModelRunner?>? _auxiliaryModels;

    public DetectionContext(IModelRunner model, Random random, Func<string, IModelRunner?>? auxiliaryModels = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(random);
        Model = model;
        Random = random;
        _auxiliaryModels = auxiliaryModels;
    }

    /// <summary>The classifier the request is for.</summary>
    public IModelRunner Model { get; }

    public Random Random { get; }

    /// <summary>An auxiliary model by its name in the model repository.</summary>
    /// <exception cref="InvalidOperationException">The host has no such model.</exception>
    public IModelRunner GetModel(string name) =>
        _auxiliaryModels?.Invoke(name) ?? throw new InvalidOperationException($"auxiliary model '{name}' is not loaded");
}
