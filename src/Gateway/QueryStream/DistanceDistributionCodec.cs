using System.Buffers;
using NeuralSec.Detectors.Stream;
using NeuralSec.Gateway.ClientState;

namespace NeuralSec.Gateway.QueryStream;

/// <summary>How a client's PRADA state (<see cref="DistanceDistributionState"/>) is made, stored and measured.</summary>
internal sealed class DistanceDistributionCodec(DistanceDistributionDetector detector, int position) : IClientStateCodec<DistanceDistributionState>
{
    public string Name { get; } = $"{position}-distanceDistribution";

    public DistanceDistributionState Create() => detector.NewState();

    public DistanceDistributionState Read(ReadOnlySpan<byte> data) => detector.ReadState(data);

    public void Write(DistanceDistributionState state, IBufferWriter<byte> output) => state.WriteTo(output);

    public int SizeOf(DistanceDistributionState state) => state.ApproximateBytes;
}
