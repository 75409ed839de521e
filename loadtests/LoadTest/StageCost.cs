namespace NeuralSec.LoadTest;

/// <summary>One pipeline stage's mean time per request in a sidecar over a level's measured rounds, from the
/// sidecar's own <c>neuralsec_stage_duration_seconds</c> histogram (sum and count differences).</summary>
internal sealed record StageCost(string Stage, long Requests, double MeanMicroseconds);
