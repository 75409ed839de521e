namespace NeuralSec.LoadTest.Overload;

/// <summary>One <c>neuralsec-loadtest overload</c> run's settings, parsed by <see cref="OverloadCommand"/>.</summary>
internal sealed record OverloadOptions
{
    /// <summary>A running sidecar's gRPC address; null starts one with the admission limits below.</summary>
    public Uri? Target { get; init; }

    /// <summary>With <see cref="Target"/>: its process id, for RSS samples.</summary>
    public int? TargetPid { get; init; }

    public string? NeuralsecBinary { get; init; }

    public string? ModelRepository { get; init; }

    public string Model { get; init; } = "mnist";

    /// <summary>What serves the model behind a started sidecar.</summary>
    public OverloadBackend Backend { get; init; } = OverloadBackend.GpuStandIn;

    /// <summary>With <see cref="OverloadBackend.GpuStandIn"/>: the stand-in's service time per call (its slots are
    /// <see cref="MaxConcurrent"/>, so capacity is about MaxConcurrent / ServiceTime).</summary>
    public TimeSpan ServiceTime { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>The cores a started sidecar runs on; this process takes the others. Null: by default, the first half
    /// of the machine's cores (none on one core); an empty list shares every core.</summary>
    public IReadOnlyList<int>? SidecarCores { get; init; }

    /// <summary>Images per request: enough model time per call that admission, not transport, sets capacity.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary><c>NeuralSec:Limits:MaxConcurrentInferences</c> of the started sidecar (or the target's own).</summary>
    public int MaxConcurrent { get; init; } = 2;

    /// <summary><c>NeuralSec:Limits:MaxQueuedInferences</c>.</summary>
    public int MaxQueued { get; init; } = 8;

    /// <summary><c>NeuralSec:Limits:MaxQueueWait</c>.</summary>
    public TimeSpan MaxQueueWait { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Phase 1: closed loop, this long, to measure capacity and the baseline latency.</summary>
    public TimeSpan CapacityDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Phase 2: open loop at <see cref="Factor"/> × capacity, this long.</summary>
    public TimeSpan OverloadDuration { get; init; } = TimeSpan.FromSeconds(30);

    public double Factor { get; init; } = 4;

    /// <summary>Phase 3: open loop at <see cref="RecoveryFraction"/> × capacity, this long.</summary>
    public TimeSpan RecoveryDuration { get; init; } = TimeSpan.FromSeconds(15);

    public double RecoveryFraction { get; init; } = 0.5;

    public int MaxRssMib { get; init; } = 1024;

    public string? MarkdownPath { get; init; }
}
