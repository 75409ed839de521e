using System.Buffers;
using NeuralSec.Detectors.Stream;
using NeuralSec.Gateway.ClientState;

namespace NeuralSec.Gateway.QueryStream;

/// <summary>How a client's input-detector record (<see cref="FlaggedInputsState"/>) is made, stored and measured.</summary>
internal sealed class FlaggedInputsCodec(FlaggedInputsDetector detector, int position) : IClientStateCodec<FlaggedInputsState>
{
    public string Name { get; } = $"{position}-flaggedInputs";

    public FlaggedInputsState Create() => detector.NewState();

    public FlaggedInputsState Read(ReadOnlySpan<byte> data) => detector.ReadState(data);

    public void Write(FlaggedInputsState state, IBufferWriter<byte> output) => state.WriteTo(output);

    public int SizeOf(FlaggedInputsState state) => state.ApproximateBytes;
}
