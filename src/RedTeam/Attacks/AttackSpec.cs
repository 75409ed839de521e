using System.Globalization;
using NeuralSec.Lab.Attacks;

namespace NeuralSec.RedTeam.Attacks;

/// <summary>One white-box L∞ attack setting: FGSM (one step of ε) or PGD-40 (α = 2.5·ε/40, uniform random start, as the
/// model cards), untargeted or towards a random wrong class, with cross-entropy or CW-margin loss.</summary>
internal sealed record AttackSpec(string Method, float Epsilon, bool Targeted, AttackLoss Loss = AttackLoss.CrossEntropy)
{
    public const int PgdSteps = 40;

    public static IReadOnlyList<float> Epsilons { get; } = [0.1f, 0.2f, 0.3f];

    /// <summary>File-name style id, e.g. <c>pgd-targeted-eps0.1</c>.</summary>
    public string Id => $"{Method}{(Targeted ? "-targeted" : string.Empty)}{(Loss == AttackLoss.Margin ? "-margin" : string.Empty)}-eps{Epsilon.ToString("0.###", CultureInfo.InvariantCulture)}";

    public string Label => $"{(Method == "fgsm" ? "FGSM" : $"PGD-{PgdSteps}")}{(Targeted ? " targeted" : string.Empty)}{(Loss == AttackLoss.Margin ? " (CW margin)" : string.Empty)} ε={Epsilon.ToString("0.0##", CultureInfo.InvariantCulture)}";

    /// <summary>FGSM and PGD, untargeted and targeted, at every ε (the detection grid).</summary>
    public static IReadOnlyList<AttackSpec> DetectionGrid { get; } =
    [
        .. from eps in Epsilons from method in new[] { "fgsm", "pgd" } from targeted in new[] { false, true } select new AttackSpec(method, eps, targeted),
    ];

    /// <summary>Lab attack options; the seed mixes the run's seed with the setting so every set has its own random start.</summary>
    public AttackOptions Options(int seed)
    {
        var o = Method == "fgsm" ? AttackOptions.Fgsm(Epsilon) : AttackOptions.Pgd(Epsilon, PgdSteps);
        return o with { Seed = StableSeed(seed), Loss = Loss };
    }

    // string.GetHashCode is randomised per process; the report must not be.
    private int StableSeed(int seed)
    {
        var h = (uint)seed * 2654435761u;
        foreach (var c in Id)
        {
            h = (h ^ c) * 16777619u;
        }

        return (int)(h & 0x7fffffff);
    }
}
