namespace NeuralSec.Gateway.Options;

/// <summary><c>NeuralSec:Defenses</c>: process-wide settings of the input defenses (their per-model
/// configuration is in the policies).</summary>
internal sealed class DefenseOptions
{
    /// <summary>Fixes the random sources of randomized defenses, for reproducible tests and replays. Leave unset
    /// in production.</summary>
    public int? Seed { get; set; }
}
