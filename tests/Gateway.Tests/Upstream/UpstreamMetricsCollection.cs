namespace NeuralSec.Gateway.Tests.Upstream;

/// <summary>The upstream error counters are process-wide: test classes that assert exact counts run one after the
/// other, not beside another class that moves the same series.</summary>
[CollectionDefinition(Name)]
public sealed class UpstreamMetricsCollection
{
    public const string Name = "process-wide upstream metrics";
}
