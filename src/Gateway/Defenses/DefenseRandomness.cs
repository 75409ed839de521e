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
            var n = Interlocked.Increment(ref _counter);
            return new Random(HashCode.Combine(seed, n));
        }

        return new Random(RandomNumberGenerator.GetInt32(int.MaxValue));
    }
}
