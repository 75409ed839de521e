using NeuralSec.Detectors.Stream;
using Xunit.Abstractions;

namespace NeuralSec.Detectors.Tests.Stream;

public sealed class NearDuplicateMeasurementTests(ITestOutputHelper output)
{
    [Fact]
    public void Table_ForTheDocs()
    {
        output.WriteLine(NearDuplicateMeasurement.Table());
    }
}

public sealed class DistanceDistributionMeasurementTests(ITestOutputHelper output)
{
    [Fact]
    public void Table_ForTheDocs()
    {
        output.WriteLine(DistanceDistributionMeasurement.Table());
    }
}

public sealed class QueryCoverageMeasurementTests(ITestOutputHelper output)
{
    [Fact]
    public void Table_ForTheDocs()
    {
        output.WriteLine(QueryCoverageMeasurement.Table());
    }
}
