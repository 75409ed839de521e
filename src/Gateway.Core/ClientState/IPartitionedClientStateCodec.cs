using System.Buffers;

namespace NeuralSec.Gateway.ClientState;

/// <summary>
/// A per-client state a shared store keeps in parts, so an update moves only what it touches rather than the whole state
/// (PRADA: ≈ 88 KB for MNIST, of which a query touches one class's set and a counter or two):
/// <list type="bullet">
/// <item>a shared part, small, which every update reads and writes;</item>
/// <item>parts 0 to <see cref="PartCount"/> − 1, of which an update reads the one its caller names — chosen from the query
/// before the update runs (PRADA: the predicted class) — and writes it back only when it changed;</item>
/// <item>a log of fixed-size records the updates append, the oldest leaving past <see cref="LogCapacity"/>, read in full
/// only by an update <see cref="NeedsLog"/> says needs it (PRADA: the ring of distances, which only every
/// evaluateEvery-th query's test reads).</item>
/// </list>
/// The whole form of <see cref="IClientStateCodec{TState}"/> stays: the in-memory store keeps objects, and a store may keep
/// this state whole too. Every read throws <see cref="FormatException"/> on damaged bytes or bytes that do not fit the
/// shared part they are read with; the store then starts the client afresh.
/// </summary>
internal interface IPartitionedClientStateCodec<TState> : IClientStateCodec<TState>
    where TState : class
{
    /// <summary>Parts are numbered below this.</summary>
    int PartCount { get; }

    /// <summary>Records the log keeps, the newest; a store trims older ones.</summary>
    int LogCapacity { get; }

    /// <summary>A state from its shared part, holding no part and no log record yet.</summary>
    TState ReadShared(ReadOnlySpan<byte> data);

    /// <summary>Reads part <paramref name="part"/> into a state just read from its shared part; empty
    /// <paramref name="data"/>: the part does not exist (yet).</summary>
    void ReadPart(TState state, int part, ReadOnlySpan<byte> data);

    /// <summary>Reads the whole log, oldest record first, into a state just read from its shared part.</summary>
    void ReadLog(TState state, IReadOnlyList<ReadOnlyMemory<byte>> records);

    /// <summary>Whether the next update of <paramref name="state"/> reads the log: asked of a state just read (must this
    /// update read it?) and of the state an update left (should the next read fetch it at once?).</summary>
    bool NeedsLog(TState state);

    void WriteShared(TState state, IBufferWriter<byte> output);

    /// <summary>Whether the update changed part <paramref name="part"/> (the one it read), which then needs writing back.</summary>
    bool PartChanged(TState state, int part);

    void WritePart(TState state, int part, IBufferWriter<byte> output);

    /// <summary>Log records the update appended (at most <see cref="LogCapacity"/>).</summary>
    int AppendedCount(TState state);

    /// <summary>Writes the <paramref name="index"/>-th appended record (0: the oldest of them).</summary>
    void WriteAppended(TState state, int index, IBufferWriter<byte> output);

    /// <summary>Bytes of the whole state, every part and the log together, known from the shared part: what the store's
    /// byte cap weighs, as it weighs a whole-form state.</summary>
    long StoredBytes(TState state);
}
