namespace NeuralSec.LoadTest;

/// <summary>The h2load cross-check of a run: every run, and what h2load's figures can and cannot say.</summary>
/// <param name="Binary">The h2load that ran.</param>
/// <param name="BodyChecks">Per path: whether the exact bytes h2load sends came back grpc-status 0 when sent once
/// from .NET (null) or what came back instead.</param>
internal sealed record H2LoadCrossCheck(string Binary, string Version, IReadOnlyDictionary<string, string?> BodyChecks, IReadOnlyList<H2LoadRun> Runs)
{
    /// <summary>Said beside every h2load table.</summary>
    public const string Caveat =
        "h2load counts HTTP status only: it cannot read gRPC's grpc-status trailer, so a call a server failed with a gRPC error still counts as 2xx. " +
        "Before its runs the exact body it sends (a 5-byte gRPC frame prefix and the serialized ModelInferRequest) was sent once per path from .NET, " +
        "and its grpc-status read. Settings: -c 1 -m C, one HTTP/2 connection with C streams in flight, as the tool's one channel carries C workers' calls on one connection; " +
        "h2load has no warm-up here (the paths are warm from the tool's own levels) and its latency is per request on the wire, without gRPC's client-side encoding.";
}
