using NeuralSec.Data;
using Xunit.Abstractions;

namespace NeuralSec.Detectors.Tests.Stream;

/// <summary>The tables of docs/stream-detectors.md, recomputed: printed (run with --logger "console;verbosity=detailed") and
/// compared with the page, so the page cannot drift from what the code measures.</summary>
public sealed class StreamMeasurementTests(ITestOutputHelper output)
{
    [Fact]
    public void NearDuplicate_Table_IsTheOneInTheDocs() => Check(NearDuplicateMeasurement.Table());

    [Fact]
    public void NearDuplicateViews_Table_IsTheOneInTheDocs() => Check(NearDuplicateViewMeasurement.Table());

    [Fact]
    public void DistanceDistribution_Table_IsTheOneInTheDocs() => Check(DistanceDistributionMeasurement.Table());

    [Fact]
    public void QueryCoverage_Table_IsTheOneInTheDocs() => Check(QueryCoverageMeasurement.Table());

    private void Check(string table)
    {
        output.WriteLine(table);
        var page = File.ReadAllText(Path.Combine(RepositoryPaths.Root(), "docs", "stream-detectors.md")).ReplaceLineEndings("\n");
        Assert.Contains(table.ReplaceLineEndings("\n").TrimEnd(), page, StringComparison.Ordinal);
    }
}
