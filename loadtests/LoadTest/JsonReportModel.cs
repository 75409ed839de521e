namespace NeuralSec.LoadTest;

// The shape of --json: every figure of a run, flat enough for jq and a notebook. Latencies in µs; null where a path
// had no successful call (or, for memory, where the tool did not start the process).

internal sealed record JsonRun(
    string Tool,
    string CommandLine,
    DateTimeOffset Started,
    MachineDescription Machine,
    JsonSettings Settings,
    IReadOnlyList<JsonPath> Paths,
    IReadOnlyList<JsonLevel> Levels,
    IReadOnlyList<JsonGoal> Goals,
    [property: System.Text.Json.Serialization.JsonPropertyName("h2load")] JsonH2Load? H2Load);

internal sealed record JsonSettings(string Model, int Batch, string Request, string Mode, double? Rate, int Rounds, int Warmup, int Settle, double MaxDurationSeconds);

/// <summary>A path of the run, as set up: <paramref name="Kind"/> is direct, direct-batched, nginx, reference-proxy, sidecar or defended.</summary>
internal sealed record JsonPath(string Name, string Kind, string Description, string Address, int? ProcessId);

internal sealed record JsonLevel(string Label, int Concurrency, int Requests, IReadOnlyList<JsonPathFigures> Paths);

/// <summary>One path at one level; Added* are this path's figure minus the direct path's at the same level.</summary>
internal sealed record JsonPathFigures(
    string Name,
    string Kind,
    long Successes,
    long Errors,
    IReadOnlyDictionary<string, long> ErrorsByStatus,
    long Dropped,
    double ElapsedSeconds,
    double Throughput,
    double? MeanMicros,
    double? P50Micros,
    double? P90Micros,
    double? P99Micros,
    double? P999Micros,
    double? MaxMicros,
    double? AddedMeanMicros,
    double? AddedP99Micros,
    long? RssIdleBytes,
    long? RssPeakBytes,
    IReadOnlyList<StageCost>? Stages,
    ModelExecutions? Executions);

/// <summary>A goal ratio: <paramref name="Met"/> null when <paramref name="Value"/> could not be measured (<paramref name="Missing"/> says why);
/// <paramref name="Comparison"/>, <paramref name="Bound"/> and <paramref name="Met"/> all null for a ratio given for information, without a goal.</summary>
internal sealed record JsonGoal(string Name, double? Value, string? Comparison, double? Bound, bool? Met, string? Missing);

internal sealed record JsonH2Load(string Binary, string Version, string Caveat, IReadOnlyDictionary<string, string?> BodyChecks, IReadOnlyList<JsonH2LoadRun> Runs);

internal sealed record JsonH2LoadRun(string Level, string Path, int Connections, int Streams, int Requests, H2LoadResult? Result, string? Error);
