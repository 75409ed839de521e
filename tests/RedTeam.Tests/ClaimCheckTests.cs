using NeuralSec.RedTeam.Stream;

namespace NeuralSec.RedTeam.Tests;

/// <summary>What a verifying attacker's check sends: the claimed query byte for byte, or a copy with a few pixels
/// moved by one grey level — the same for the same salt, never the claimed bytes.</summary>
public sealed class ClaimCheckTests
{
    [Fact]
    public void A_byte_for_byte_check_sends_the_claim_and_a_moved_one_a_near_copy()
    {
        var claimed = Enumerable.Range(0, 784).Select(i => (i % 7) / 6f).ToArray();
        Assert.Same(claimed, new ClaimCheck(HeldBack: 2).Probe(claimed, salt: 5));

        var moved = new ClaimCheck(Perturbed: true);
        var probe = moved.Probe(claimed, salt: 5);
        Assert.NotEqual(claimed, probe);
        Assert.Equal(probe, moved.Probe(claimed, salt: 5));
        var changed = claimed.Zip(probe, (a, b) => MathF.Abs(a - b)).Where(d => d > 0).ToArray();
        Assert.InRange(changed.Length, 1, ClaimCheck.PerturbedPixels);
        Assert.All(changed, d => Assert.True(d <= 1f / 255f + 1e-6f, $"moved by {d}"));
        Assert.All(probe, v => Assert.InRange(v, 0f, 1f));
    }
}
