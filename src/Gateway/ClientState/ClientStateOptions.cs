using System.ComponentModel.DataAnnotations;

namespace NeuralSec.Gateway.ClientState;

/// <summary><c>NeuralSec:ClientState</c>: the bounds of per-client state in memory.</summary>
internal sealed class ClientStateOptions
{
    /// <summary>Entries (client × policy revision) kept at most. A flood of new client ids cannot grow memory past
    /// it: buckets that have refilled (indistinguishable from new ones) are dropped first, then the least recently
    /// used — which only ever errs in the client's favour (a fresh, full bucket).</summary>
    [Range(100, 100_000_000)]
    public int MaxEntries { get; set; } = 100_000;
}
