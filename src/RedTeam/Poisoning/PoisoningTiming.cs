namespace NeuralSec.RedTeam.Poisoning;

/// <summary>Wall time of one part of the poisoning run.</summary>
internal sealed record PoisoningTiming(string Part, double Seconds);
