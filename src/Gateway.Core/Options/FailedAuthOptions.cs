using System.ComponentModel.DataAnnotations;

namespace NeuralSec.Gateway.Options;

/// <summary><c>NeuralSec:Identity:FailedAuth</c>: how many wrong API keys one source address may present before
/// its key-bearing requests are throttled (RESOURCE_EXHAUSTED, reason <c>auth_throttled</c>) without being
/// hashed. A token bucket per address: <see cref="Burst"/> failures at once, one more every
/// <see cref="RefillInterval"/>.</summary>
internal sealed class FailedAuthOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Wrong keys an address may present in a row.</summary>
    [Range(1, 1_000_000)]
    public int Burst { get; set; } = 10;

    /// <summary>How long until one more attempt is allowed; the default forgives ten mistakes a minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan RefillInterval { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>Addresses tracked at once. Beyond it, recovered addresses are forgotten first, then the longest
    /// quiet ones, so memory stays bounded under a flood from many addresses.</summary>
    [Range(16, 10_000_000)]
    public int MaxTrackedAddresses { get; set; } = 10_000;
}
