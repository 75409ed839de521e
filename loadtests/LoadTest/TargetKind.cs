namespace NeuralSec.LoadTest;

/// <summary>What stands between the load generator and the model on a path: the report and the goals pick their rows
/// by it, not by position.</summary>
internal enum TargetKind
{
    /// <summary>The model server itself: the baseline every other path is compared with.</summary>
    Direct,

    /// <summary>A second model server, the same model with dynamic batching on (<c>--dynamic-batching</c>): what
    /// batching changes, compared with the direct path in the same run.</summary>
    DirectBatched,

    /// <summary>nginx <c>grpc_pass</c> in front of the model server: what a plain reverse proxy costs.</summary>
    Nginx,

    /// <summary>A minimal ASP.NET Core gRPC proxy (Kestrel and Grpc.Net.Client, nothing else) in front of the model
    /// server: what the .NET HTTP/2 stack the sidecar is built on costs by itself.</summary>
    ReferenceProxy,

    /// <summary>The sidecar with the pass-through policy (validation only).</summary>
    Sidecar,

    /// <summary>A sidecar enforcing a policy folder with defenses.</summary>
    Defended,
}
