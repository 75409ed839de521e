using NeuralSec.Lab.Nn;

namespace NeuralSec.RedTeam.Poisoning;

/// <summary>
/// A classifier split at its last layer: the frozen feature extractor (every layer but the last, here the 128 ReLU units
/// after the first dense layer) and the linear head on top of it — the transfer-learning view of Shafahi et al., where
/// only the head is retrained and the poisons are crafted against the extractor. Both halves share the classifier's
/// layer instances, so an instance serves one caller at a time, like the network itself.
/// </summary>
internal sealed class FeatureSpace
{
    private FeatureSpace(Network extractor, Dense head)
    {
        Extractor = extractor;
        Head = head;
    }

    public Network Extractor { get; }

    public Dense Head { get; }

    public int Dimension => Head.InFeatures;

    public static FeatureSpace Of(Network classifier)
    {
        if (classifier.Layers[^1] is not Dense head)
        {
            throw new RedTeamException("feature collision needs a classifier whose last layer is dense (the layer transfer learning retrains)");
        }

        return new FeatureSpace(new Network(classifier.InputShape, classifier.Layers.Take(classifier.Layers.Count - 1).ToArray()), head);
    }

    /// <summary>Penultimate features of each image, [n·<see cref="Dimension"/>].</summary>
    public float[] Features(float[] images) => Extractor.Predict(images);

    /// <summary>The classifier with <paramref name="head"/> in place of its own last layer (a fine-tuned victim).</summary>
    public Network WithHead(Dense head) => new(Extractor.InputShape, [.. Extractor.Layers, head]);
}
