using System.Buffers;

namespace NeuralSec.Detectors.Stream;

/// <summary>One client's coverage profile: per time bucket, counts and sums.</summary>
public sealed class QueryCoverageState
{
    internal QueryCoverageState()
    {
    }

    public int ApproximateBytes => throw new NotImplementedException();

    /// <summary>Writes the versioned binary form <see cref="QueryCoverageDetector.ReadState"/> reads.</summary>
    public void WriteTo(IBufferWriter<byte> w) => throw new NotImplementedException();
}
