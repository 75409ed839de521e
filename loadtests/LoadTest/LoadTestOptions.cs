namespace NeuralSec.LoadTest;

/// <summary>One run's settings, parsed from the command line by <see cref="CommandLine"/>.</summary>
internal sealed record LoadTestOptions
{
    /// <summary>The model server called directly (the baseline). Null with <see cref="SelfHost"/>.</summary>
    public Uri? Direct { get; init; }

    /// <summary>The sidecar in front of the same model server.</summary>
    public Uri? Sidecar { get; init; }

    /// <summary>Start the model server and the sidecars as separate processes on loopback instead of using addresses.</summary>
    public bool SelfHost { get; init; }

    /// <summary>The folder laid out <c>model/version/model.onnx</c> for <see cref="SelfHost"/>; found by
    /// walking up from the working directory to <c>models/repository</c> when unset.</summary>
    public string? ModelRepository { get; init; }

    /// <summary>With <see cref="SelfHost"/>: the <c>neuralsec</c> binary (or <c>neuralsec.dll</c>) to start; the Release
    /// build of src/Gateway in this checkout when unset.</summary>
    public string? NeuralsecBinary { get; init; }

    /// <summary>With <see cref="SelfHost"/>: policy folders, each for one more target — a sidecar enforcing it (e.g.
    /// policies/, the shipped defenses) — measured in the same run as the pass-through sidecar.</summary>
    public IReadOnlyList<string> DefendedPolicies { get; init; } = [];

    /// <summary>With <see cref="SelfHost"/>: settings, each for one more model server serving a copy of the model whose
    /// config.yaml turns dynamic batching on, measured beside the direct (unbatched) path.</summary>
    public IReadOnlyList<BatchingSetting> DynamicBatching { get; init; } = [];

    /// <summary>One more defended sidecar per setting (the first policy folder), its detectors' autoencoder batched
    /// (<see cref="DynamicBatchingOption.AuxiliaryModel"/>).</summary>
    public IReadOnlyList<BatchingSetting> AuxiliaryBatching { get; init; } = [];

    /// <summary>Send a real MNIST test digit instead of uniform noise (which the shipped detectors block).</summary>
    public bool MnistDigit { get; init; }

    /// <summary>Each request a different real digit (test then train split, 10,000, cycling) instead of one request
    /// repeated: what the stream defenses must be measured with.</summary>
    public bool DistinctDigits { get; init; }

    /// <summary>Time PERMISSION_DENIED answers as completions instead of counting them as errors (see
    /// <see cref="RequestSet.TimeRefusals"/>).</summary>
    public bool TimeRefusals { get; init; }

    public string Model { get; init; } = "mnist";

    /// <summary>First dimension of each request, substituted for a -1 batch dimension.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>With <see cref="SelfHost"/>: also measure nginx (<c>grpc_pass</c>) in front of the same model server,
    /// the reverse proxy the sidecar is compared with.</summary>
    public bool Nginx { get; init; }

    /// <summary>The nginx binary for <see cref="Nginx"/>; <c>nginx</c> on PATH, then <c>/usr/sbin/nginx</c>, when unset.</summary>
    public string? NginxBinary { get; init; }

    /// <summary>With <see cref="SelfHost"/>: also measure a minimal ASP.NET Core gRPC proxy (its own process, the
    /// <c>reference-proxy</c> subcommand) in front of the same model server: what the .NET HTTP/2 server and client
    /// stack costs without any of NeuralSec's work, the yardstick that splits the sidecar's added latency.</summary>
    public bool ReferenceProxy { get; init; }

    /// <summary>Closed loop: workers each with one request in flight.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>Closed-loop levels measured one after the other with the same processes; empty means the one level
    /// of <see cref="Concurrency"/> and <see cref="Requests"/>.</summary>
    public IReadOnlyList<LoadLevel> Levels { get; init; } = [];

    /// <summary>Open loop: requests per second per target; 0 means closed loop.</summary>
    public double Rate { get; init; }

    /// <summary>Measured requests per target, over all rounds.</summary>
    public int Requests { get; init; } = 20_000;

    /// <summary>Unmeasured requests per target before the first round (JIT, connections, ORT arenas).</summary>
    public int Warmup { get; init; } = 1_000;

    /// <summary>Unmeasured requests per target once, before the first level, closed loop at the highest level's
    /// concurrency: long enough for the .NET paths' tiered JIT to finish its tier-1 compiles, which a few thousand
    /// requests are not (29% of a fresh sidecar's CPU samples were in its tiered-compilation thread after 6,000
    /// requests; its c=8 throughput rose for 40,000 more). A pod serves at steady state. 0 for none.</summary>
    public int Settle { get; init; } = 30_000;

    /// <summary>Rounds; each runs both targets, in ABBA order, so drift and noise land on both alike.</summary>
    public int Rounds { get; init; } = 4;

    /// <summary>Hard cap on the measured levels' wall time, shared out over the levels by their request counts; a
    /// phase stops early when it would exceed its share. Four paths at two levels of the default sizes take minutes.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromSeconds(600);

    /// <summary>Also write the Markdown table here.</summary>
    public string? MarkdownPath { get; init; }

    /// <summary>Also write every figure of the run here, as JSON.</summary>
    public string? JsonPath { get; init; }

    /// <summary>Also draw the latency percentiles of every path, one panel per level, here (<c>.png</c> or <c>.svg</c>).</summary>
    public string? ChartPath { get; init; }

    /// <summary>Cross-check every level with h2load against every path after the tool's own measurement.</summary>
    public bool H2Load { get; init; }

    /// <summary>The h2load binary for <see cref="H2Load"/>; <c>h2load</c> on PATH, then <c>/usr/bin/h2load</c>, when unset.</summary>
    public string? H2LoadBinary { get; init; }

    /// <summary>Requests per h2load run (one run per level and path), at most the level's own count.</summary>
    public int H2LoadRequests { get; init; } = 5_000;

    /// <summary>The arguments the tool was started with, for the record in <see cref="JsonPath"/>.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>The levels this run measures: <see cref="Levels"/>, or the one of <see cref="Concurrency"/> and
    /// <see cref="Requests"/> (in an open loop only its request count matters).</summary>
    public IReadOnlyList<LoadLevel> MeasuredLevels() => Levels.Count > 0 ? Levels : [new LoadLevel(Concurrency, Requests)];
}
