using System.CommandLine;
using NeuralSec.CommandLine;
using NeuralSec.LoadTest.Fuzz;
using NeuralSec.LoadTest.Overload;
using NeuralSec.LoadTest.ReferenceProxy;

namespace NeuralSec.LoadTest;

/// <summary>
/// The command line of <c>neuralsec-loadtest</c>, on the NeuralSec conventions (<see cref="CliProgram"/>): every bound
/// below is checked while parsing, so a slip of the keyboard is a usage error (exit 2) before a single request.
/// </summary>
internal static class CommandLine
{
    public const string Name = "neuralsec-loadtest";

    /// <summary>Hard ceilings, so a slip of the keyboard cannot start an unbounded run.</summary>
    private const int MaxRequests = 10_000_000;
    private const int MaxConcurrency = 4_096;
    private static readonly TimeSpan MaxRunDuration = TimeSpan.FromMinutes(30);

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
        => Create(LoadTestRun.RunAsync).RunAsync(args, output, error);

    /// <param name="run">What a valid command line does with its options (tests pass a recorder).</param>
    /// <param name="fuzz">What <c>fuzz</c> does with its options; <see cref="FuzzRun.RunAsync"/> when null.</param>
    /// <param name="overload">What <c>overload</c> does with its options; <see cref="OverloadRun.RunAsync"/> when null.</param>
    /// <param name="referenceProxy">What <c>reference-proxy</c> does with its options; <see cref="ReferenceProxyServer.RunAsync"/> when null.</param>
    public static CliProgram Create(
        Func<LoadTestOptions, TextWriter, TextWriter, Task<int>> run,
        Func<FuzzOptions, TextWriter, TextWriter, Task<int>>? fuzz = null,
        Func<OverloadOptions, TextWriter, TextWriter, Task<int>>? overload = null,
        Func<ReferenceProxyOptions, TextWriter, CancellationToken, Task<int>>? referenceProxy = null)
    {
        var defaults = new LoadTestOptions();
        var selfHost = new Option<bool>("--self-host")
        {
            Description = "start a model server (neuralsec, ONNX Runtime) and a sidecar (neuralsec, Upstream) as separate processes on loopback, then measure them",
        };
        var modelRepository = new Option<string>("--model-repository") { Description = "ONNX model repository for --self-host (default: nearest models/repository)", HelpName = "DIR" };
        var neuralsec = new Option<string>("--neuralsec")
        {
            Description = "with --self-host: the neuralsec binary or neuralsec.dll to start (default: the Release build of src/Gateway in this checkout, built when missing)",
            HelpName = "PATH",
        };
        var defendedPolicies = new Option<string[]>("--defended-policies")
        {
            Description = "with --self-host: also measure a sidecar enforcing this policy folder (e.g. policies), in the same run; give it again for more",
            HelpName = "DIR",
            AllowMultipleArgumentsPerToken = false,
        };
        var dynamicBatching = DynamicBatchingOption.Create();
        var auxiliaryBatching = DynamicBatchingOption.CreateAuxiliary();
        var timeRefusals = new Option<bool>("--time-refusals") { Description = "time PERMISSION_DENIED answers like any other instead of counting them as errors: what a flood of inputs the detectors refuse costs (uniform noise, the default input, is refused by the shipped detectors)" };
        var mnistDigit = new Option<bool>("--mnist-digit") { Description = "send a real MNIST test digit (data/mnist) instead of uniform noise" };
        var distinctDigits = new Option<bool>("--distinct-digits") { Description = "send a different real MNIST digit with each request (10,000, cycling): fresh queries, as the stream defenses must be measured" };
        var direct = LoopbackOption.Create("--direct", "the model server's gRPC address (baseline), e.g. http://127.0.0.1:9001");
        var sidecar = LoopbackOption.Create("--sidecar", "the sidecar's gRPC address, forwarding to the same model server, e.g. http://127.0.0.1:8001");
        var model = new Option<string>("--model")
        {
            Description = "model to call; inputs are built from its metadata",
            HelpName = "NAME",
            DefaultValueFactory = _ => defaults.Model,
        };
        var batch = Values.Integer("--batch", "batch size substituted for a -1 first dimension", defaults.BatchSize, 1, 65_536);
        var concurrency = Values.Integer("--concurrency", "closed loop: workers with one request in flight each", defaults.Concurrency, 1, MaxConcurrency);
        var rate = Values.OptionalNumber("--rate", "open loop instead: R requests/s per target, latency from the scheduled time", r => r is > 0 and <= 1_000_000, "a number of requests/s in (0, 1000000]");
        rate.HelpName = "R";
        var requests = Values.Integer("--requests", "measured requests per target over all rounds", defaults.Requests, 1, MaxRequests);
        var warmup = Values.Integer("--warmup", "unmeasured requests per target first", defaults.Warmup, 0, MaxRequests);
        var settle = Values.Integer(
            "--settle",
            "unmeasured requests per target once, before the first level (closed loop, the highest level's concurrency), so that the .NET paths' tiered JIT has finished compiling: what a pod at steady state runs; 0 for none",
            defaults.Settle,
            0,
            MaxRequests);
        var rounds = Values.Integer("--rounds", "alternation rounds (ABBA)", defaults.Rounds, 1, 1_000);
        var maxDuration = Values.Number(
            "--max-duration", "hard cap on the run's wall time, in seconds", defaults.MaxDuration.TotalSeconds, s => s > 0 && s <= MaxRunDuration.TotalSeconds, $"seconds in (0, {MaxRunDuration.TotalSeconds}]");
        maxDuration.HelpName = "SECONDS";
        var markdown = new Option<string>("--markdown") { Description = "also write the result table to FILE", HelpName = "FILE" };
        var nginx = new Option<bool>("--nginx")
        {
            Description = "with --self-host: also measure nginx (grpc_pass, its own process) in front of the same model server, the reverse proxy the sidecar is compared with",
        };
        var referenceProxyPath = new Option<bool>("--reference-proxy")
        {
            Description = "with --self-host: also measure a minimal ASP.NET Core gRPC proxy (its own process) in front of the same model server, to split the sidecar's added latency into the .NET HTTP/2 stack's and NeuralSec's own",
        };
        var nginxBinary = new Option<string>("--nginx-binary") { Description = "the nginx to start for --nginx (default: nginx on PATH, then /usr/sbin/nginx)", HelpName = "PATH" };
        var levels = LevelsOption.Create(MaxConcurrency, MaxRequests);
        var json = new Option<string>("--json") { Description = "also write every figure of the run (per level and path, the goal ratios, the machine, the command line) to FILE as JSON", HelpName = "FILE" };
        var chart = new Option<string>("--chart")
        {
            Description = "also draw the latency percentiles of every path, one panel per level, to FILE (.png or .svg)",
            HelpName = "FILE",
        };
        chart.Validators.Add(result =>
        {
            if (ChartExtensionError(result.GetValueOrDefault<string>()) is { } error)
            {
                result.AddError(error);
            }
        });
        var h2load = new Option<bool>("--h2load")
        {
            Description = "after the measurement, cross-check every level against every path with h2load (1 connection, as many streams as workers; HTTP status only)",
        };
        var h2loadBinary = new Option<string>("--h2load-binary") { Description = "the h2load to run for --h2load (default: h2load on PATH, then /usr/bin/h2load)", HelpName = "PATH" };
        var h2loadRequests = Values.Integer("--h2load-requests", "requests per h2load run (one per level and path), at most the level's own", defaults.H2LoadRequests, 1, MaxRequests);

        var root = new RootCommand("""
            Measures the sidecar's added latency: the same requests go to the model server directly and through the
            sidecar, alternating in rounds (ABBA) within one run. Targets must be loopback (127.0.0.0/8, ::1, localhost).
              neuralsec-loadtest --self-host [options]
              neuralsec-loadtest --direct http://127.0.0.1:9001 --sidecar http://127.0.0.1:8001 [options]
              neuralsec-loadtest fuzz [options]       hostile requests against a live sidecar (see fuzz --help)
              neuralsec-loadtest overload [options]   open-loop load far above capacity (see overload --help)
              neuralsec-loadtest reference-proxy --listen-port P --upstream URL
                                                      the minimal .NET gRPC proxy --reference-proxy starts (see reference-proxy --help)
            """)
        {
            selfHost, modelRepository, neuralsec, defendedPolicies, dynamicBatching, auxiliaryBatching, mnistDigit, distinctDigits, timeRefusals, direct, sidecar, model,
            batch, concurrency, levels, rate, requests, warmup, settle, rounds, maxDuration, nginx, nginxBinary, referenceProxyPath, h2load, h2loadBinary, h2loadRequests,
            markdown, json, chart,
            FuzzCommand.Create(fuzz ?? FuzzRun.RunAsync),
            OverloadCommand.Create(overload ?? OverloadRun.RunAsync),
            ReferenceProxyCommand.Create(referenceProxy ?? ReferenceProxyServer.RunAsync),
        };
        root.Validators.Add(result =>
        {
            if (!result.TryGetValue(selfHost, out var self) || !result.TryGetValue(direct, out var directUri) || !result.TryGetValue(sidecar, out var sidecarUri))
            {
                return;
            }

            if (self == (directUri is not null || sidecarUri is not null))
            {
                result.AddError("give either --self-host, or both --direct and --sidecar");
            }
            else if (!self && (directUri is null || sidecarUri is null))
            {
                result.AddError("--direct and --sidecar go together");
            }
        });
        root.Validators.Add(result =>
        {
            if (Given(result, nginx) && !Given(result, selfHost))
            {
                result.AddError("--nginx starts nginx in front of the self-hosted model server: give it with --self-host");
            }
            else if (Given(result, referenceProxyPath) && !Given(result, selfHost))
            {
                result.AddError("--reference-proxy starts a proxy in front of the self-hosted model server: give it with --self-host");
            }
            else if (Given(result, dynamicBatching) && !Given(result, selfHost))
            {
                result.AddError("--dynamic-batching starts a second model server: give it with --self-host");
            }
            else if (Given(result, auxiliaryBatching) && !(Given(result, selfHost) && Given(result, defendedPolicies)))
            {
                result.AddError("--auxiliary-batching starts one more defended sidecar: give it with --self-host and --defended-policies");
            }
            else if (Given(result, nginxBinary) && !Given(result, nginx))
            {
                result.AddError("--nginx-binary goes with --nginx");
            }
            else if (Given(result, levels) && (Given(result, concurrency) || Given(result, requests)))
            {
                result.AddError("--levels gives the concurrency and requests of each level: not with --concurrency or --requests");
            }
            else if (Given(result, rate) && (Given(result, levels) || Given(result, h2load)))
            {
                result.AddError($"{(Given(result, levels) ? "--levels" : "--h2load")} is for the closed loop: not with --rate");
            }
            else if ((Given(result, h2loadBinary) || Given(result, h2loadRequests)) && !Given(result, h2load))
            {
                result.AddError($"{(Given(result, h2loadBinary) ? "--h2load-binary" : "--h2load-requests")} goes with --h2load");
            }
        });
        root.SetAction(parseResult => run(
            new LoadTestOptions
            {
                SelfHost = parseResult.GetValue(selfHost),
                ModelRepository = parseResult.GetValue(modelRepository),
                NeuralsecBinary = parseResult.GetValue(neuralsec),
                DefendedPolicies = parseResult.GetValue(defendedPolicies) is { Length: > 0 } folders ? folders : [],
                DynamicBatching = parseResult.GetValue(dynamicBatching) is { Count: > 0 } batching ? batching : [],
                AuxiliaryBatching = parseResult.GetValue(auxiliaryBatching) is { Count: > 0 } auxiliary ? auxiliary : [],
                MnistDigit = parseResult.GetValue(mnistDigit),
                DistinctDigits = parseResult.GetValue(distinctDigits),
                TimeRefusals = parseResult.GetValue(timeRefusals),
                Direct = parseResult.GetValue(direct),
                Sidecar = parseResult.GetValue(sidecar),
                Model = parseResult.GetRequiredValue(model),
                BatchSize = parseResult.GetValue(batch),
                Nginx = parseResult.GetValue(nginx),
                NginxBinary = parseResult.GetValue(nginxBinary),
                ReferenceProxy = parseResult.GetValue(referenceProxyPath),
                Concurrency = parseResult.GetValue(concurrency),
                Levels = parseResult.GetValue(levels) ?? [],
                Rate = parseResult.GetValue(rate) ?? 0,
                Requests = parseResult.GetValue(requests),
                Warmup = parseResult.GetValue(warmup),
                Settle = parseResult.GetValue(settle),
                Rounds = parseResult.GetValue(rounds),
                MaxDuration = TimeSpan.FromSeconds(parseResult.GetValue(maxDuration)),
                MarkdownPath = parseResult.GetValue(markdown),
                JsonPath = parseResult.GetValue(json),
                ChartPath = parseResult.GetValue(chart),
                H2Load = parseResult.GetValue(h2load),
                H2LoadBinary = parseResult.GetValue(h2loadBinary),
                H2LoadRequests = parseResult.GetValue(h2loadRequests),
                Arguments = [.. parseResult.Tokens.Select(t => t.Value)],
            },
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return new CliProgram(Name, root, e => e is InvalidOperationException or Grpc.Core.RpcException);
    }

    /// <summary>Whether <paramref name="option"/> was on the command line (a default does not count).</summary>
    private static bool Given(System.CommandLine.Parsing.CommandResult result, Option option) => result.GetResult(option) is { Implicit: false };

    private static string? ChartExtensionError(string? path) =>
        path is null || LatencyChart.FormatOf(path) is not null ? null : $"--chart draws .png or .svg, not '{Path.GetExtension(path)}'";
}
