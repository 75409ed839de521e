namespace NeuralSec.Detectors.Stream;

/// <summary>One client's input-detector record over the window, after the request just observed.</summary>
/// <param name="Score">−log10 of the Chernoff bound on the chance that a client whose requests are flagged at the base
/// rate would have this many flagged out of this many judged: 10 means less than one in 10¹⁰.</param>
/// <param name="Judged">Requests the input detectors judged in the window.</param>
/// <param name="Flagged">Of those, the ones at least one input detector flagged.</param>
public readonly record struct FlaggedInputsResult(double Score, int Judged, int Flagged)
{
    /// <summary>Flagged ÷ judged (0 when nothing was judged).</summary>
    public double FlaggedFraction => Judged == 0 ? 0 : Flagged / (double)Judged;
}
