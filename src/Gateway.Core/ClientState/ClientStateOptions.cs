using System.ComponentModel.DataAnnotations;

namespace NeuralSec.Gateway.ClientState;

/// <summary><c>NeuralSec:ClientState</c>: the bounds of per-client state in memory (budgets, sanctions, stream-detector histories).</summary>
internal sealed class ClientStateOptions
{
    /// <summary>Entries (client × policy revision) kept at most. A flood of new client ids cannot grow memory past
    /// it: buckets that have refilled (indistinguishable from new ones) are dropped first, then the least recently
    /// used — which only ever errs in the client's favour (a fresh, full bucket).</summary>
    [Range(100, 100_000_000)]
    public int MaxEntries { get; set; } = 100_000;

    /// <summary>Stream-detector histories (client × policy × detector) kept at most in memory.</summary>
    [Range(100, 100_000_000)]
    public int MaxHistories { get; set; } = 20_000;

    /// <summary>Bytes of stream-detector history kept at most in memory (the detectors' own measure of their state).</summary>
    [Range(1L << 20, 1L << 40)]
    public long MaxHistoryBytes { get; set; } = 512L << 20;

    /// <summary>Queries the in-memory near-duplicate index keeps per policy (about 4 KB of heap each, measured by
    /// StateMemoryTests); the oldest go first.</summary>
    [Range(1_000, 100_000_000)]
    public int NearDuplicateCapacity { get; set; } = 100_000;

    /// <summary>A file of at least 16 random bytes the near-duplicate fingerprints are salted with; every replica
    /// sharing a Redis index must mount the same one. Unset: a random secret per process.</summary>
    public string? FingerprintSecretFile { get; set; }
}
