namespace NeuralSec.LoadTest.Fuzz;

/// <summary>One <c>neuralsec-loadtest fuzz</c> run's settings, parsed by <see cref="FuzzCommand"/>.</summary>
internal sealed record FuzzOptions
{
    /// <summary>A running sidecar's gRPC address; null starts one (<see cref="FuzzTarget"/>).</summary>
    public Uri? Target { get; init; }

    /// <summary>With <see cref="Target"/>: the same sidecar's REST address.</summary>
    public Uri? TargetHttp { get; init; }

    /// <summary>With <see cref="Target"/>: its process id, for RSS samples and the crash check.</summary>
    public int? TargetPid { get; init; }

    /// <summary>The <c>neuralsec</c> binary or <c>neuralsec.dll</c> to start; the Release build of src/Gateway when unset.</summary>
    public string? NeuralsecBinary { get; init; }

    /// <summary>The ONNX model repository the started sidecar serves; the nearest <c>models/repository</c> when unset.</summary>
    public string? ModelRepository { get; init; }

    /// <summary>The policy folder the started sidecar enforces; the repository's <c>policies/</c> when unset.</summary>
    public string? Policies { get; init; }

    /// <summary>The model the well-formed part of each request is built for.</summary>
    public string Model { get; init; } = "mnist";

    /// <summary>Request <c>i</c> is a function of (seed, i) alone, so a failure is replayed from its number.</summary>
    public int Seed { get; init; } = 1;

    public int Requests { get; init; } = 100_000;

    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Requests in flight at once, over both transports.</summary>
    public int Concurrency { get; init; } = 16;

    /// <summary>The sidecar's resident memory above this, at any sample, fails the run.</summary>
    public int MaxRssMib { get; init; } = 1024;

    public string? MarkdownPath { get; init; }
}
