using NeuralSec.Detectors.Detection;

namespace NeuralSec.RedTeam.Evaluation;

/// <summary>A configured detector with its report name and the policy options it was built from.</summary>
/// <param name="InCombination">Member of the default combination (flag if any member flags).</param>
internal sealed record DetectorUnderTest(string Name, string Options, IDetector Detector, bool InCombination);
