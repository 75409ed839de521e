using System.Buffers;

namespace NeuralSec.Gateway.ClientState;

/// <summary>How a stream detector's per-client state is made, stored and measured, so a store can keep it as an
/// object in memory or as bytes in a shared store. <see cref="Read"/> throws <see cref="FormatException"/> on
/// damaged bytes; the store then starts the client afresh.</summary>
internal interface IClientStateCodec<TState>
    where TState : class
{
    /// <summary>Names the state in keys and metrics (e.g. the detector type).</summary>
    string Name { get; }

    TState Create();

    TState Read(ReadOnlySpan<byte> data);

    void Write(TState state, IBufferWriter<byte> output);

    /// <summary>Approximate bytes the state holds (memory bounds and metrics).</summary>
    int SizeOf(TState state);
}
