using System.Globalization;
using BenchmarkDotNet.Reports;

namespace NeuralSec.Gateway.Benchmarks;

/// <summary>
/// <see cref="PipelineStageBenchmarks"/>' rows as one table, a stage a row and a policy folder a column pair (mean µs
/// with its 99.9% error, bytes allocated), with the stages' sum and <see cref="PipelineBenchmarks"/>' whole pipeline
/// below: printed after BenchmarkDotNet's own tables.
/// </summary>
internal static class StageTable
{
    public static void Print(IEnumerable<Summary> summaries, TextWriter output)
    {
        // One row per case: where more than one job ran (--job on the command line), the classes' own job comes first.
        var reports = summaries.SelectMany(s => s.Reports).Where(r => r.ResultStatistics is not null).ToArray();
        var stages = reports.Where(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == nameof(PipelineStageBenchmarks.OneStage))
            .GroupBy(r => (Folder((string)r.BenchmarkCase.Parameters[nameof(PipelineStageBenchmarks.Policies)]), (int)r.BenchmarkCase.Parameters[nameof(PipelineStageBenchmarks.Stage)]))
            .ToDictionary(g => g.Key, g => g.First());
        var pipelines = reports.Where(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == nameof(PipelineBenchmarks.Pipeline))
            .GroupBy(r => Folder((string)r.BenchmarkCase.Parameters[nameof(PipelineBenchmarks.Policies)]))
            .ToDictionary(g => g.Key, g => g.First());
        var folders = stages.Keys.Select(k => k.Item1).Concat(pipelines.Keys).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (folders.Length == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine("## Each stage alone, per request (mean ± 99.9% error, µs; bytes allocated)");
        output.WriteLine();
        output.WriteLine("| stage | " + string.Join(" | ", folders.Select(f => $"{f} µs | {f} B")) + " |");
        output.WriteLine("|---|" + string.Concat(folders.Select(_ => "---:|---:|")));
        for (var stage = 0; stage <= PipelineStageBenchmarks.Stages; stage++)
        {
            output.WriteLine($"| {PipelineStageBenchmarks.StageName(stage)} | " + string.Join(" | ", folders.Select(f => stages.TryGetValue((f, stage), out var r) ? Cell(r) : "– | –")) + " |");
        }

        output.WriteLine("| **the stages together** (baseline included) | " + string.Join(" | ", folders.Select(f =>
        {
            var rows = Enumerable.Range(0, PipelineStageBenchmarks.Stages + 1).Select(s => stages.GetValueOrDefault((f, s))).ToArray();
            return rows.Any(r => r is null)
                ? "– | –"
                : $"**{Micro(rows.Sum(r => r!.ResultStatistics!.Mean))}** | **{rows.Sum(r => Bytes(r!)):N0}**";
        })) + " |");
        output.WriteLine("| the whole InferencePipeline (stage timers, log scope, request metrics) | " + string.Join(" | ", folders.Select(f => pipelines.TryGetValue(f, out var r) ? Cell(r) : "– | –")) + " |");
    }

    private static string Folder(string policies) => Path.GetFileName(policies);

    private static string Cell(BenchmarkReport report) =>
        $"{Micro(report.ResultStatistics!.Mean)} ± {Micro(report.ResultStatistics.ConfidenceInterval.Margin)} | {Bytes(report):N0}";

    private static long Bytes(BenchmarkReport report) => report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? 0;

    private static string Micro(double nanoseconds) => (nanoseconds / 1000).ToString(nanoseconds < 10_000 ? "F2" : "F1", CultureInfo.InvariantCulture);
}
