using System.Buffers;

namespace NeuralSec.Detectors.Stream;

/// <summary>One client's PRADA state: per-class growing sets and thresholds, and the ring of recent d_min values.</summary>
public sealed class DistanceDistributionState
{
    internal DistanceDistributionState()
    {
    }

    public int ApproximateBytes => throw new NotImplementedException();

    public int Queries => throw new NotImplementedException();

    /// <summary>Writes the versioned binary form <see cref="DistanceDistributionDetector.ReadState"/> reads.</summary>
    public void WriteTo(IBufferWriter<byte> w) => throw new NotImplementedException();
}
