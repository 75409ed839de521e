using System.CommandLine;
using NeuralSec.CommandLine;

namespace NeuralSec.LoadTest.Overload;

/// <summary>The <c>overload</c> subcommand's options; every bound is checked while parsing (a slip is exit 2).</summary>
internal static class OverloadCommand
{
    private const double MaxPhaseSeconds = 600;

    public static Command Create(Func<OverloadOptions, TextWriter, TextWriter, Task<int>> run)
    {
        var defaults = new OverloadOptions();
        var target = LoopbackOption.Create("--target", "a running sidecar's gRPC address instead of starting one; give its limits below");
        var targetPid = Values.OptionalInteger("--target-pid", "with --target: its process id, to sample its RSS", 1, int.MaxValue);
        targetPid.HelpName = "PID";
        var neuralsec = new Option<string>("--neuralsec") { Description = "the neuralsec binary or neuralsec.dll to start (default: the Release build of src/Gateway in this checkout)", HelpName = "PATH" };
        var modelRepository = new Option<string>("--model-repository") { Description = "ONNX model repository the started sidecar serves (default: nearest models/repository)", HelpName = "DIR" };
        var model = new Option<string>("--model") { Description = "model to call", HelpName = "NAME", DefaultValueFactory = _ => defaults.Model };
        var backend = Values.Choice("--backend", "what serves the model behind a started sidecar: a GPU stand-in (fixed service time, no CPU) or the embedded ONNX Runtime on the sidecar's own cores", "gpu-standin", "gpu-standin", "embedded");
        var serviceTime = Values.Number("--service-ms", "with --backend gpu-standin: the stand-in's time per call, in milliseconds (capacity ≈ --max-concurrent / this)", defaults.ServiceTime.TotalMilliseconds, ms => ms is >= 1 and <= 10_000, "milliseconds in [1, 10000]");
        serviceTime.HelpName = "MS";
        var sidecarCpus = new Option<string>("--sidecar-cpus")
        {
            Description = "cores a started sidecar runs on, e.g. 0 or 0,1 (this process takes the others), or 'shared' for no split (default: the first half of the cores)",
            HelpName = "LIST",
        };
        sidecarCpus.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>();
            if (text is not null && ParseCores(text) is null)
            {
                result.AddError($"--sidecar-cpus must be 'shared' or a list of core numbers in [0, {Environment.ProcessorCount - 1}] leaving at least one for the load, got '{text}'");
            }
        });
        var batch = Values.Integer("--batch", "images per request (model time per call)", defaults.BatchSize, 1, 1_024);
        var maxConcurrent = Values.Integer("--max-concurrent", "the sidecar's NeuralSec:Limits:MaxConcurrentInferences", defaults.MaxConcurrent, 1, 4_096);
        var maxQueued = Values.Integer("--max-queued", "the sidecar's NeuralSec:Limits:MaxQueuedInferences", defaults.MaxQueued, 0, 100_000);
        var queueWait = Values.Number("--queue-wait", "the sidecar's NeuralSec:Limits:MaxQueueWait, in milliseconds", defaults.MaxQueueWait.TotalMilliseconds, ms => ms is > 0 and <= 60_000, "milliseconds in (0, 60000]");
        queueWait.HelpName = "MS";
        var capacity = Seconds("--capacity-seconds", "phase 1, closed loop: how long capacity is measured", defaults.CapacityDuration);
        var overload = Seconds("--overload-seconds", "phase 2, open loop at --factor × capacity: how long", defaults.OverloadDuration);
        var factor = Values.Number("--factor", "phase 2's arrival rate as a multiple of the measured capacity", defaults.Factor, f => f is >= 1 and <= 100, "a multiple in [1, 100]");
        factor.HelpName = "X";
        var recovery = Seconds("--recovery-seconds", "phase 3, open loop at --recovery-fraction × capacity: how long", defaults.RecoveryDuration);
        var fraction = Values.Number("--recovery-fraction", "phase 3's arrival rate as a fraction of the measured capacity", defaults.RecoveryFraction, f => f is > 0 and < 1, "a fraction in (0, 1)");
        fraction.HelpName = "F";
        var maxRss = Values.Integer("--max-rss-mib", "fail when the sidecar's resident memory exceeds this many MiB at any sample", defaults.MaxRssMib, 16, 1_048_576);
        var markdown = new Option<string>("--markdown") { Description = "also write the result table to FILE", HelpName = "FILE" };

        var command = new Command("overload", """
            Open-loop load far above what the sidecar can serve: measures its capacity (closed loop), offers --factor
            times that (open loop, latency from the scheduled send time), then drops to --recovery-fraction of it.
            Reports admitted and shed requests, the latency of each, RSS, and whether the sidecar recovered. Fails
            (exit 1) when admitted p99 exceeds queue wait + twice the baseline p99 + 50 ms, RSS exceeds
            --max-rss-mib, any answer is neither OK nor overloaded, or recovery leaves requests shed or slow.
            By default it starts its own sidecar (pass-through policy) with the small admission limits below, in
            front of a GPU stand-in that answers after --service-ms at --max-concurrent calls at a time without
            spending CPU (or, --backend embedded, the ONNX model on the sidecar's own cores), the sidecar on its own
            cores and this process on the rest, so that one machine can overload it. Targets must be loopback.
            """)
        {
            target, targetPid, neuralsec, modelRepository, model, backend, serviceTime, sidecarCpus, batch, maxConcurrent, maxQueued, queueWait,
            capacity, overload, factor, recovery, fraction, maxRss, markdown,
        };
        command.Validators.Add(result =>
        {
            if (result.TryGetValue(target, out var uri) && result.TryGetValue(targetPid, out var pid) && uri is null && pid is not null)
            {
                result.AddError("--target-pid goes with --target");
            }
        });
        command.SetAction(parseResult => run(
            new OverloadOptions
            {
                Target = parseResult.GetValue(target),
                TargetPid = parseResult.GetValue(targetPid),
                NeuralsecBinary = parseResult.GetValue(neuralsec),
                ModelRepository = parseResult.GetValue(modelRepository),
                Model = parseResult.GetRequiredValue(model),
                Backend = parseResult.GetRequiredValue(backend) == "embedded" ? OverloadBackend.Embedded : OverloadBackend.GpuStandIn,
                ServiceTime = TimeSpan.FromMilliseconds(parseResult.GetValue(serviceTime)),
                SidecarCores = parseResult.GetValue(sidecarCpus) is { } cores ? ParseCores(cores) : null,
                BatchSize = parseResult.GetValue(batch),
                MaxConcurrent = parseResult.GetValue(maxConcurrent),
                MaxQueued = parseResult.GetValue(maxQueued),
                MaxQueueWait = TimeSpan.FromMilliseconds(parseResult.GetValue(queueWait)),
                CapacityDuration = TimeSpan.FromSeconds(parseResult.GetValue(capacity)),
                OverloadDuration = TimeSpan.FromSeconds(parseResult.GetValue(overload)),
                Factor = parseResult.GetValue(factor),
                RecoveryDuration = TimeSpan.FromSeconds(parseResult.GetValue(recovery)),
                RecoveryFraction = parseResult.GetValue(fraction),
                MaxRssMib = parseResult.GetValue(maxRss),
                MarkdownPath = parseResult.GetValue(markdown),
            },
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>"shared" → no split (empty); "0,1" → those cores, when each exists and one is left for the load.</summary>
    private static int[]? ParseCores(string text)
    {
        if (text == "shared")
        {
            return [];
        }

        var cores = new List<int>();
        foreach (var part in text.Split(','))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var core) || core >= Math.Min(Environment.ProcessorCount, 64))
            {
                return null;
            }

            cores.Add(core);
        }

        var distinct = cores.Distinct().Order().ToArray();
        return distinct.Length > 0 && distinct.Length < Environment.ProcessorCount ? distinct : null;
    }

    private static Option<double> Seconds(string name, string description, TimeSpan defaultValue)
    {
        var option = Values.Number(name, description, defaultValue.TotalSeconds, s => s > 0 && s <= MaxPhaseSeconds, $"seconds in (0, {MaxPhaseSeconds}]");
        option.HelpName = "SECONDS";
        return option;
    }
}
