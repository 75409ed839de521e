using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuralSec.LoadTest;

/// <summary>Writes a run as JSON (<c>--json</c>): the same figures as the tables, unrounded, plus the exact command line.</summary>
internal static class JsonReport
{
    private static readonly JsonReportContext Context = new(new JsonSerializerOptions
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,

        // A file for people and tools, not HTML: "≤" and "µ" stay readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static async Task WriteAsync(string path, RunResult run)
    {
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, From(run), Context.JsonRun);
    }

    public static string Serialize(RunResult run) => JsonSerializer.Serialize(From(run), Context.JsonRun);

    public static JsonRun From(RunResult run)
    {
        var options = run.Options;
        return new JsonRun(
            CommandLine.Name,
            run.CommandLine,
            run.Started,
            run.Machine,
            new JsonSettings(options.Model, options.BatchSize, run.Request, run.Mode, options.Rate > 0 ? options.Rate : null, options.Rounds, options.Warmup, options.Settle, options.MaxDuration.TotalSeconds),
            [.. run.Targets.Select(t => new JsonPath(t.Name, Kind(t), t.Description, t.Address.ToString(), t.ProcessId))],
            [.. run.Levels.Select(Level)],
            [.. run.Goals.Select(g => new JsonGoal(g.Name, g.Value, g.Bound is null ? null : g.AtMost ? "<=" : ">=", g.Bound, g.Met, g.Missing))],
            run.H2Load is { } h2load
                ? new JsonH2Load(
                    h2load.Binary,
                    h2load.Version,
                    H2LoadCrossCheck.Caveat,
                    h2load.BodyChecks,
                    [.. h2load.Runs.Select(r => new JsonH2LoadRun(r.Level, r.Target.Name, r.Connections, r.Streams, r.Requests, r.Result, r.Error))])
                : null);
    }

    private static JsonLevel Level(LevelResult level)
    {
        var direct = level.Of(TargetKind.Direct)?.Result;
        return new JsonLevel(level.Label, level.Level.Concurrency, level.Level.Requests, [.. level.Paths.Select(p => Figures(p, direct))]);
    }

    private static JsonPathFigures Figures(PathMeasurement path, PhaseResult? direct)
    {
        var r = path.Result;
        var mean = LoadTest.Figures.MeanMicros(r);
        var p99 = LoadTest.Figures.Micros(r, 99);
        return new JsonPathFigures(
            path.Target.Name,
            Kind(path.Target),
            r.Successes,
            r.Failures + r.Dropped,
            r.Errors.ToDictionary(e => e.Key.ToString(), e => e.Value),
            r.Dropped,
            r.Elapsed.TotalSeconds,
            LoadTest.Figures.Throughput(r),
            mean,
            LoadTest.Figures.Micros(r, 50),
            LoadTest.Figures.Micros(r, 90),
            p99,
            LoadTest.Figures.Micros(r, 99.9),
            LoadTest.Figures.MaxMicros(r),
            direct is null || path.Target.Kind == TargetKind.Direct ? null : mean - LoadTest.Figures.MeanMicros(direct),
            direct is null || path.Target.Kind == TargetKind.Direct ? null : p99 - LoadTest.Figures.Micros(direct, 99),
            path.RssIdleBytes,
            path.RssPeakBytes,
            path.Stages,
            path.Executions);
    }

    /// <summary>"direct", "direct-batched", "nginx", "reference-proxy", "sidecar", "defended".</summary>
    private static string Kind(Target target) => JsonNamingPolicy.KebabCaseLower.ConvertName(target.Kind.ToString());
}

[JsonSerializable(typeof(JsonRun))]
internal sealed partial class JsonReportContext : JsonSerializerContext;
