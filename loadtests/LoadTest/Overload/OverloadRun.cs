using NeuralSec.Data;
using NeuralSec.Processes;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest.Overload;

/// <summary>
/// One overload run: start (or find) the sidecar, measure its capacity closed-loop, offer a multiple of it open-loop,
/// then a fraction of it, sampling its RSS throughout; print the table. Exit 0 when the sidecar shed the excess and
/// kept what it admitted fast, its memory flat, and recovered; 1 otherwise.
/// </summary>
internal static class OverloadRun
{
    /// <summary>The first seconds of recovery drain what overload left queued; judged after them.</summary>
    public static readonly TimeSpan RecoveryGrace = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(OverloadOptions options, TextWriter output, TextWriter error)
    {
        NeuralsecProcess? process = null;
        StandIn.GpuStandInServer? standIn = null;
        try
        {
            Uri address;
            int? pid;
            (int[] Sidecar, int[] Load)? split = null;
            if (options.Target is { } target)
            {
                (address, pid) = (target, options.TargetPid);
            }
            else
            {
                split = Split(options);
                if (split is { } cores)
                {
                    // Before anything else runs here, so every thread of this process (and the stand-in's) starts
                    // on the load's cores.
                    CpuAffinity.PinThisProcess(cores.Load);
                    await error.WriteLineAsync($"cores: sidecar on {CpuAffinity.List(cores.Sidecar)}, load generator{(options.Backend == OverloadBackend.GpuStandIn ? " and GPU stand-in" : string.Empty)} on {CpuAffinity.List(cores.Load)}");
                }

                if (options.Backend == OverloadBackend.GpuStandIn)
                {
                    standIn = await StandIn.GpuStandInServer.StartAsync(options.Model, options.ServiceTime, options.MaxConcurrent);
                }

                process = await StartSidecarAsync(options, standIn?.Address, split?.Sidecar, error);
                (address, pid) = (process.Grpc, process.ProcessId);
            }

            using var client = new Target("sidecar", address, TargetKind.Sidecar);
            var metadata = await client.Client.ModelMetadataAsync(new ModelMetadataRequest { Name = options.Model }, deadline: DateTime.UtcNow.AddSeconds(10));
            var request = RequestFactory.Build(metadata, options.BatchSize, options.Model == "mnist" ? MnistDigit.First() : null);
            await using var rss = pid is { } p ? RssSampler.Start(p, TimeSpan.FromMilliseconds(500)) : null;

            // Warm-up: JIT, connections, ONNX Runtime arenas; not measured.
            await OverloadPhases.ClosedLoopAsync(client, request, options.MaxConcurrent, TimeSpan.FromSeconds(2));

            var workers = options.MaxConcurrent * 2;
            await error.WriteLineAsync($"phase 1: capacity, closed loop with {workers} workers, {options.CapacityDuration.TotalSeconds:F0} s");
            var capacity = await RunPhaseAsync(rss, () => OverloadPhases.ClosedLoopAsync(client, request, workers, options.CapacityDuration));
            var rate = capacity.Admitted.TotalCount / capacity.Elapsed.TotalSeconds;
            if (rate <= 0)
            {
                throw new InvalidOperationException($"the sidecar admitted no request in the capacity phase ({string.Join(", ", capacity.Other.Select(o => $"{o.Key} × {o.Value}"))})");
            }

            await error.WriteLineAsync($"capacity {rate:F0} req/s; phase 2: open loop at {options.Factor:F1} × = {rate * options.Factor:F0} req/s, {options.OverloadDuration.TotalSeconds:F0} s");
            var overload = await RunPhaseAsync(rss, () => OverloadPhases.OpenLoopAsync($"overload ({options.Factor:0.#}× capacity)", client, request, rate * options.Factor, options.OverloadDuration));

            await error.WriteLineAsync($"phase 3: recovery, open loop at {options.RecoveryFraction:F2} × = {rate * options.RecoveryFraction:F0} req/s, {options.RecoveryDuration.TotalSeconds:F0} s");
            var drain = await RunPhaseAsync(rss, () => OverloadPhases.OpenLoopAsync($"recovery, first {RecoveryGrace.TotalSeconds:F0} s", client, request, rate * options.RecoveryFraction, RecoveryGrace));
            var recovery = await RunPhaseAsync(rss, () => OverloadPhases.OpenLoopAsync($"recovery ({options.RecoveryFraction:0.##}× capacity)", client, request, rate * options.RecoveryFraction, options.RecoveryDuration - RecoveryGrace));

            var result = new OverloadResult(options, capacity, overload, drain, recovery, rss?.PeakBytes, process is not null, split);
            var markdown = OverloadReport.Markdown(result);
            await output.WriteLineAsync(markdown);
            if (options.MarkdownPath is not null)
            {
                await File.WriteAllTextAsync(options.MarkdownPath, markdown);
            }

            return result.Passed ? 0 : 1;
        }
        finally
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }

            if (standIn is not null)
            {
                await standIn.DisposeAsync();
            }
        }
    }

    /// <summary>The cores of the sidecar and of this process: as asked, or by default half each; null to share.</summary>
    private static (int[] Sidecar, int[] Load)? Split(OverloadOptions options)
    {
        if (options.SidecarCores is { } asked)
        {
            return asked.Count == 0 ? null : ([.. asked], [.. Enumerable.Range(0, Environment.ProcessorCount).Except(asked)]);
        }

        return OperatingSystem.IsLinux() ? CpuAffinity.DefaultSplit(Environment.ProcessorCount) : null;
    }

    private static async Task<PhaseOutcome> RunPhaseAsync(RssSampler? rss, Func<Task<PhaseOutcome>> phase)
    {
        var before = rss?.PeakBytes;
        var outcome = await phase();
        rss?.SampleNow();
        outcome.PeakRssBytes = rss?.PeakBytes is { } peak && peak != before ? peak : rss?.LastBytes;
        return outcome;
    }

    private static async Task<NeuralsecProcess> StartSidecarAsync(OverloadOptions options, Uri? standIn, int[]? cores, TextWriter error)
    {
        var repository = RepositoryPaths.LocateModelRepository(options.ModelRepository)
            ?? throw new InvalidOperationException("no models/repository folder found above the working directory; pass --model-repository");
        var root = Path.GetFullPath(Path.Combine(repository, "..", ".."));
        var binary = options.NeuralsecBinary ?? await NeuralsecProcess.BuiltBinaryAsync(root, Console.Error);
        string[] backend = standIn is null
            ?
            [
                "--NeuralSec:Backend=OnnxRuntime",
                $"--NeuralSec:OnnxRuntime:ModelRepository={Path.GetFullPath(repository)}",
                $"--NeuralSec:OnnxRuntime:Models:0={options.Model}",
                "--NeuralSec:OnnxRuntime:IntraOpThreads=1", // concurrency comes from the admission limit, not ORT's pool
            ]
            : ["--NeuralSec:Backend=Upstream", $"--NeuralSec:Upstream:Address={standIn}"];
        await error.WriteLineAsync($"starting the sidecar (neuralsec, {(standIn is null ? "embedded ONNX Runtime" : $"upstream GPU stand-in at {standIn}, {options.ServiceTime.TotalMilliseconds:F0} ms a call")}, pass-through policy, {options.MaxConcurrent} in the pipeline, {options.MaxQueued} queued, {options.MaxQueueWait.TotalMilliseconds:F0} ms queue wait) on 127.0.0.1 …");
        var process = NeuralsecProcess.Start("sidecar", binary, [
            .. backend,
            $"--NeuralSec:Policies:Directory={Path.Combine(root, "loadtests", "policies", "passthrough")}",
            $"--NeuralSec:Limits:MaxConcurrentInferences={options.MaxConcurrent}",
            $"--NeuralSec:Limits:MaxQueuedInferences={options.MaxQueued}",
            FormattableString.Invariant($"--NeuralSec:Limits:MaxQueueWait={options.MaxQueueWait:c}"),
            "--NeuralSec:Alerts:Enabled=false",
        ], cores is null ? null : ["taskset", "-c", CpuAffinity.List(cores)]);
        try
        {
            await process.WaitReadyAsync(NeuralsecProcess.ReadyLimit);
            return process;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }
}
