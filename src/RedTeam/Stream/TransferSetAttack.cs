namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// Extraction by a fixed transfer set: Knockoff Nets' 'random' policy (natural digits drawn uniformly from a public
/// pool — here the TRAIN split, which the served model's owner also trained on, the attacker's best case) or uniform
/// random noise. Each image is queried once; the answers the attacker got are its training set.
/// </summary>
internal static class TransferSetAttack
{
    public static async Task<List<(float[] Image, float[] Scores)>> RunAsync(AttackSession session, IEnumerable<float[]> images)
    {
        var answers = new List<(float[], float[])>();
        foreach (var image in images)
        {
            if (await session.QueryAsync(image).ConfigureAwait(false) is not { } outcome)
            {
                break;
            }

            if (outcome.Scores is { } scores)
            {
                answers.Add((image, scores));
            }
        }

        return answers;
    }

    /// <summary>Uniform [0, 1) noise images from <paramref name="random"/>.</summary>
    public static IEnumerable<float[]> Noise(Random random, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var image = new float[Data.MnistSplit.Pixels];
            for (var p = 0; p < image.Length; p++)
            {
                image[p] = random.NextSingle();
            }

            yield return image;
        }
    }
}
