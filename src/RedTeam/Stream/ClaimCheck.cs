namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// How a verifying attacker checks a claimed success before it believes it (<see cref="AttackSession.ClaimAsync"/>):
/// it re-sends the claimed query from up to <see cref="AttackSession.VerifyTries"/> other accounts — the last
/// <see cref="HeldBack"/> of its accounts, kept out of the attack for that, else its other attack accounts — byte for
/// byte, or <see cref="Perturbed"/>: with <see cref="PerturbedPixels"/> pixels moved by 1/255, so the check is a new
/// query to the stream detectors rather than an exact repeat (a retry) of the claimed one.
/// </summary>
internal sealed record ClaimCheck(int HeldBack = 0, bool Perturbed = false)
{
    public const int PerturbedPixels = 8;

    /// <summary>What the check sends for <paramref name="claimed"/>; <paramref name="salt"/> picks the pixels.</summary>
    public float[] Probe(float[] claimed, int salt)
    {
        if (!Perturbed)
        {
            return claimed;
        }

        var probe = (float[])claimed.Clone();
        var random = new Random(salt);
        for (var i = 0; i < PerturbedPixels; i++)
        {
            var pixel = random.Next(probe.Length);
            probe[pixel] = Math.Clamp(probe[pixel] + (random.Next(2) == 0 ? -1f : 1f) / 255f, 0f, 1f);
        }

        return probe;
    }

    public string Describe(int accounts) =>
        $"a claimed success is re-sent {(Perturbed ? $"with {PerturbedPixels} pixels moved by 1/255" : "byte for byte")} from up to {AttackSession.VerifyTries} other accounts first{(HeldBack > 0 ? $" — {HeldBack} of the {accounts} held back for that, which send nothing but such checks —" : string.Empty)}, and an answer with the original label drops the account that claimed it as degraded (a refusal as suspicious, which grows the disguise)";
}
