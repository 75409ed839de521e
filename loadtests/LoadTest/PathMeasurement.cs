namespace NeuralSec.LoadTest;

/// <summary>One path at one level: its latencies and errors, and the resident memory of the process the path adds
/// (<see cref="Target.ProcessId"/>) before any load and at its highest during this level; for a sidecar, the mean time
/// of each pipeline stage over the level's measured rounds as the sidecar itself timed it; for a model server, the
/// executions its requests took; null where unknown.</summary>
internal sealed record PathMeasurement(Target Target, PhaseResult Result, long? RssIdleBytes, long? RssPeakBytes, IReadOnlyList<StageCost>? Stages = null, ModelExecutions? Executions = null);
