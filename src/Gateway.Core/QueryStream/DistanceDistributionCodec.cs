using System.Buffers;
using NeuralSec.Detectors.Stream;
using NeuralSec.Gateway.ClientState;

namespace NeuralSec.Gateway.QueryStream;

/// <summary>How a client's PRADA state (<see cref="DistanceDistributionState"/>) is made, stored and measured: whole, or in
/// parts — the shared part, one part per class (its growing set: what a query reads to take d_min and writes only when it
/// joins the set), and the ring of distances as the log (one record appended per recorded query, read only by the
/// queries that test).</summary>
internal sealed class DistanceDistributionCodec(DistanceDistributionDetector detector, int position) : IPartitionedClientStateCodec<DistanceDistributionState>
{
    public string Name { get; } = $"{position}-distanceDistribution";

    public int PartCount => detector.Options.MaxClasses;

    public int LogCapacity => detector.Options.MaxDistances;

    /// <summary>The part a query predicted as <paramref name="predictedClass"/> reads: its class's set.</summary>
    public int PartOf(int predictedClass) => detector.ClassOf(predictedClass);

    public DistanceDistributionState Create() => detector.NewState();

    public DistanceDistributionState Read(ReadOnlySpan<byte> data) => detector.ReadState(data);

    public void Write(DistanceDistributionState state, IBufferWriter<byte> output) => state.WriteTo(output);

    public int SizeOf(DistanceDistributionState state) => state.ApproximateBytes;

    public DistanceDistributionState ReadShared(ReadOnlySpan<byte> data) => detector.ReadSharedPart(data);

    public void ReadPart(DistanceDistributionState state, int part, ReadOnlySpan<byte> data) => detector.ReadClassPart(state, part, data);

    public void ReadLog(DistanceDistributionState state, IReadOnlyList<ReadOnlyMemory<byte>> records) => detector.ReadRing(state, records);

    public bool NeedsLog(DistanceDistributionState state) => detector.TestsNext(state);

    public void WriteShared(DistanceDistributionState state, IBufferWriter<byte> output) => state.WriteSharedPart(output);

    public bool PartChanged(DistanceDistributionState state, int part) => state.ClassChanged(part);

    public void WritePart(DistanceDistributionState state, int part, IBufferWriter<byte> output) => state.WriteClassPart(part, output);

    public int AppendedCount(DistanceDistributionState state) => state.AppendedDistances;

    public void WriteAppended(DistanceDistributionState state, int index, IBufferWriter<byte> output) => state.WriteAppendedDistance(index, output);

    public long StoredBytes(DistanceDistributionState state) => state.StoredBytes;
}
