namespace NeuralSec.RedTeam.Evaluation;

/// <summary>Per-digit STRIP measurements of one set under one configuration.</summary>
internal sealed class StripSetScores
{
    /// <summary>True class of each digit (for triggered digits: the class before stamping).</summary>
    public required byte[] Labels { get; init; }

    /// <summary>Normalised STRIP entropy of each digit (mean over its N blends, ÷ log2 10), by softmax temperature; at
    /// temperature 1 it is exactly the detector's score.</summary>
    public required IReadOnlyDictionary<float, double[]> Entropy { get; init; }

    /// <summary>Share of each digit's N blends the model assigns to the backdoor's target class.</summary>
    public required double[] OnTarget { get; init; }

    /// <summary>Share of each digit's N blends the model assigns to the digit's own class.</summary>
    public required double[] OnOwn { get; init; }

    public double[] At(float temperature = 1f) => Entropy[temperature];
}
