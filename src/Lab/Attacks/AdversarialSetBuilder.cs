using System.Globalization;
using System.Security.Cryptography;
using NeuralSec.Data;
using NeuralSec.Lab.Eval;
using NeuralSec.Lab.Nn;

namespace NeuralSec.Lab.Attacks;

/// <summary>Makes the FGSM / PGD / targeted-PGD sets the detector work consumes.</summary>
internal static class AdversarialSetBuilder
{
    public static readonly string[] Attacks = ["fgsm", "pgd", "pgd-targeted"];

    public static string FileName(string attack, float eps) => $"{attack}-eps{eps.ToString("0.###", CultureInfo.InvariantCulture)}{AdversarialSet.Extension}";

    /// <summary>Attacks the first <paramref name="count"/> test digits; targets are drawn uniformly from the other nine classes (seeded).</summary>
    public static IEnumerable<(string Path, AdversarialSet Set)> Build(Network net, string modelName, string modelPath, MnistSplit test, int count, float[] epsilons, int steps, int seed, string outDir)
    {
        if (count < 1 || count > test.Count)
        {
            throw new LabException($"--count must be between 1 and {test.Count}");
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(modelPath)));
        var clean = test.Slice(0, count);
        var rng = new Random(seed);
        var targets = clean.Labels.Select(y => (byte)((y + 1 + rng.Next(9)) % 10)).ToArray();
        var indices = Enumerable.Range(0, count).ToArray();
        foreach (var eps in epsilons)
        {
            foreach (var attack in Attacks)
            {
                var o = attack == "fgsm" ? AttackOptions.Fgsm(eps) : AttackOptions.Pgd(eps, steps) with { Seed = seed };
                var t = attack == "pgd-targeted" ? targets : null;
                var adv = Pgd.Perturb(net, clean.Images, clean.Labels, t, o);
                var set = new AdversarialSet
                {
                    Header = new AdversarialSetHeader
                    {
                        Model = modelName,
                        ModelSha256 = sha,
                        Attack = attack,
                        Epsilon = eps,
                        Steps = o.Steps,
                        StepSize = o.Alpha,
                        RandomStart = o.RandomStart,
                        Seed = seed,
                        Count = count,
                        Shape = [1, 28, 28],
                    },
                    Images = adv,
                    Labels = clean.Labels,
                    Targets = t is null ? new sbyte[count].Select(_ => (sbyte)-1).ToArray() : t.Select(b => (sbyte)b).ToArray(),
                    TestIndices = indices,
                    Predictions = Metrics.Predict(net, adv),
                };
                var path = Path.Combine(outDir, modelName, FileName(attack, eps));
                set.Write(path);
                yield return (path, set);
            }
        }
    }
}
