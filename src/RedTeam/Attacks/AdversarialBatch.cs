namespace NeuralSec.RedTeam.Attacks;

/// <summary>An attack's output on a set of digits, with what counts as a success: the clean digit was classified correctly
/// (so the attack, not the model's own error, changed the answer) and the adversarial one is misclassified (untargeted) or
/// classified as the target (targeted) — Feature Squeezing's "successful adversarial examples".</summary>
internal sealed class AdversarialBatch
{
    public const int Pixels = 784;

    public AdversarialBatch(AttackSpec spec, float[] images, byte[] labels, byte[]? targets, byte[] cleanPredictions, byte[] predictions)
    {
        Spec = spec;
        Images = images;
        Labels = labels;
        Targets = targets;
        Predictions = predictions;
        Success = new bool[labels.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            var hit = targets is null ? predictions[i] != labels[i] : predictions[i] == targets[i];
            Success[i] = cleanPredictions[i] == labels[i] && hit;
        }
    }

    public AttackSpec Spec { get; }

    public float[] Images { get; }

    public byte[] Labels { get; }

    public byte[]? Targets { get; }

    public byte[] Predictions { get; }

    public bool[] Success { get; }

    public int Count => Labels.Length;

    public int SuccessCount => Success.Count(s => s);

    /// <summary>Accuracy of the attacked model on every adversarial digit (robust accuracy).</summary>
    public double Accuracy => (double)Predictions.Zip(Labels).Count(p => p.First == p.Second) / Count;

    /// <summary>The successful adversarial examples, in digit order.</summary>
    public float[] SuccessfulImages()
    {
        var result = new float[SuccessCount * Pixels];
        var k = 0;
        for (var i = 0; i < Count; i++)
        {
            if (Success[i])
            {
                Images.AsSpan(i * Pixels, Pixels).CopyTo(result.AsSpan(k++ * Pixels));
            }
        }

        return result;
    }
}
