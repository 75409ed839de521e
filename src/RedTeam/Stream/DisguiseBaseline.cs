using NeuralSec.Data;
using NeuralSec.Detectors;
using NeuralSec.Detectors.Images;
using NeuralSec.Lab.Nn;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// What a disguise alone does to the served model's answers, offline: the share of random transforms of the attacked
/// digits, unperturbed, whose answer differs from the digit's own answer, seen as the shipped policy serves them (the
/// bit-depth-1 view) by the local copy of the served network. An evasion "success" at a magnitude where this share is
/// not near zero may be the transform's rather than the attack's: the report prints it beside the attacker, and the
/// <see cref="Referee"/> tells the two apart query by query.
/// </summary>
internal static class DisguiseBaseline
{
    /// <summary>The view the shipped policy answers from (<c>preprocess: bitDepth 1</c>); deterministic and thread-safe.</summary>
    private static readonly Detectors.Preprocessing.IPreprocessor Squeeze = DefenseFactory.CreatePreprocessor("bitDepth", new Dictionary<string, object> { ["bits"] = 1L });

    public static IReadOnlyList<(float Magnitude, double Flipped)> FlipRates(Network served, IReadOnlyList<float[]> digits, QueryTransform family, IReadOnlyList<float> magnitudes, int draws, int seed)
    {
        var clean = Labels(served, digits);
        var rates = new List<(float, double)>();
        foreach (var magnitude in magnitudes)
        {
            var transform = family.Scaled(magnitude);
            var random = new Random(seed);
            var copies = new List<float[]>(digits.Count * draws);
            var expected = new List<byte>(digits.Count * draws);
            for (var d = 0; d < digits.Count; d++)
            {
                for (var k = 0; k < draws; k++)
                {
                    copies.Add(transform.Apply(digits[d], random));
                    expected.Add(clean[d]);
                }
            }

            var answers = Labels(served, copies);
            rates.Add((magnitude, (double)answers.Where((a, i) => a != expected[i]).Count() / answers.Length));
        }

        return rates;
    }

    /// <summary>The referee of attacks on <paramref name="original"/>: what a wrong answer to a sent query was — the
    /// model's own answer to the query (bit-depth-1 view, local copy of the served network) is the original's label:
    /// <see cref="SuccessClaim.Misinformed"/>; the same transform of the clean digit is answered wrongly too:
    /// <see cref="SuccessClaim.TransformAlone"/>; otherwise <see cref="SuccessClaim.Adversarial"/>.</summary>
    public static Func<float[], QueryTransformDraw?, SuccessClaim> Referee(Network served, float[] original)
    {
        var clean = Labels(served, [original])[0];
        return (sent, draw) =>
        {
            if (Labels(served, [sent])[0] == clean)
            {
                return SuccessClaim.Misinformed;
            }

            return draw is not null && Labels(served, [draw.Apply(original)])[0] != clean ? SuccessClaim.TransformAlone : SuccessClaim.Adversarial;
        };
    }

    private static byte[] Labels(Network served, IReadOnlyList<float[]> images)
    {
        var batch = new float[images.Count * MnistSplit.Pixels];
        for (var i = 0; i < images.Count; i++)
        {
            images[i].CopyTo(batch, i * MnistSplit.Pixels);
        }

        Squeeze.Apply(new ImageBatch(batch, images.Count, 1, MnistSplit.Rows, MnistSplit.Cols), new Random(0));
        return Classify.Predict(served, batch);
    }
}
