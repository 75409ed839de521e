namespace NeuralSec.RedTeam.Poisoning;

/// <summary>The poisons of one β setting for every target (n·784 pixels in [0, 1]).</summary>
internal sealed record CraftedPoisons(string Setting, double Beta, float[] Images);
