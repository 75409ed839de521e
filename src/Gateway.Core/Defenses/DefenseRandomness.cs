using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Options;

namespace NeuralSec.Gateway.Defenses;

/// <summary>
/// Per-request random sources for randomized defenses (resize-and-pad, noise, STRIP overlays). Unpredictable in
/// production — an attacker must not know the transform a request will get — and reproducible when
/// <c>NeuralSec:Defenses:Seed</c> is set (tests, red-team replays): request n then gets seed (Seed, n).
/// </summary>
internal sealed class DefenseRandomness(IOptions<GatewayOptions> options)
{
    private readonly int? _seed = options.Value.Defenses.Seed;
    private long _counter;

    public Random Next()
    {
        if (_seed is { } seed)
        {
            // Not HashCode.Combine: its seed is drawn anew in every process, so replays would differ run to run.
            var n = Interlocked.Increment(ref _counter);
            return new Random(Mix(seed, n));
        }

        return new Random(RandomNumberGenerator.GetInt32(int.MaxValue));
    }

    /// <summary>(seed, n) to a 32-bit seed, the same in every process: SplitMix64's finaliser over both.</summary>
    private static int Mix(int seed, long n)
    {
        var z = unchecked(((ulong)(uint)seed << 32) ^ (ulong)n) + 0x9E3779B97F4A7C15UL;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & int.MaxValue);
    }
}
