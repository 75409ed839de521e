using System.Buffers;
using NeuralSec.Detectors.Stream;
using NeuralSec.Gateway.ClientState;

namespace NeuralSec.Gateway.QueryStream;

/// <summary>How a client's query-coverage profile (<see cref="QueryCoverageState"/>) is made, stored and measured.</summary>
internal sealed class QueryCoverageCodec(QueryCoverageDetector detector, int position) : IClientStateCodec<QueryCoverageState>
{
    public string Name { get; } = $"{position}-queryCoverage";

    public QueryCoverageState Create() => detector.NewState();

    public QueryCoverageState Read(ReadOnlySpan<byte> data) => detector.ReadState(data);

    public void Write(QueryCoverageState state, IBufferWriter<byte> output) => state.WriteTo(output);

    public int SizeOf(QueryCoverageState state) => state.ApproximateBytes;
}
