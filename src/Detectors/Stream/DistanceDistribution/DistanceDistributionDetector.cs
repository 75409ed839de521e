namespace NeuralSec.Detectors.Stream;

/// <summary>PRADA (Juuti et al., EuroS&amp;P 2019): the distribution of each new query's distance to the client's earlier
/// queries of the same predicted class. Stateless and thread-safe; the state is per client.</summary>
public sealed class DistanceDistributionDetector
{
    public DistanceDistributionDetector(DistanceDistributionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    public DistanceDistributionOptions Options { get; }

    public DistanceDistributionState NewState() => throw new NotImplementedException();

    public DistanceDistributionResult Observe(DistanceDistributionState state, ReadOnlySpan<float> unitPixels, int predictedClass) => throw new NotImplementedException();

    /// <exception cref="FormatException">Not a state this detector wrote, or damaged.</exception>
    public DistanceDistributionState ReadState(ReadOnlySpan<byte> data) => throw new NotImplementedException();
}
