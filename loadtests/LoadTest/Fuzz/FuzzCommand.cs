using System.CommandLine;
using NeuralSec.CommandLine;

namespace NeuralSec.LoadTest.Fuzz;

/// <summary>The <c>fuzz</c> subcommand's options; every bound is checked while parsing (a slip is exit 2).</summary>
internal static class FuzzCommand
{
    public const int MaxRequests = 10_000_000;

    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(30);

    public static Command Create(Func<FuzzOptions, TextWriter, TextWriter, Task<int>> run)
    {
        var defaults = new FuzzOptions();
        var target = LoopbackOption.Create("--target", "a running sidecar's gRPC address instead of starting one, e.g. http://127.0.0.1:8001");
        var targetHttp = LoopbackOption.Create("--target-http", "with --target: the same sidecar's REST address, e.g. http://127.0.0.1:8000");
        var targetPid = Values.OptionalInteger("--target-pid", "with --target: its process id, to sample its RSS and see it stays up", 1, int.MaxValue);
        targetPid.HelpName = "PID";
        var neuralsec = new Option<string>("--neuralsec") { Description = "the neuralsec binary or neuralsec.dll to start (default: the Release build of src/Gateway in this checkout)", HelpName = "PATH" };
        var modelRepository = new Option<string>("--model-repository") { Description = "ONNX model repository the started sidecar serves (default: nearest models/repository)", HelpName = "DIR" };
        var policies = new Option<string>("--policies") { Description = "policy folder the started sidecar enforces (default: the repository's policies/)", HelpName = "DIR" };
        var model = new Option<string>("--model") { Description = "model the well-formed part of each request is built for", HelpName = "NAME", DefaultValueFactory = _ => defaults.Model };
        var seed = Values.Integer("--seed", "request i is a function of (seed, i): a failure is replayed from its number", defaults.Seed, 0, int.MaxValue);
        var requests = Values.Integer("--requests", "requests to send, over both transports", defaults.Requests, 1, MaxRequests);
        var duration = Values.Number(
            "--duration", "hard cap on the run's wall time, in seconds", defaults.Duration.TotalSeconds, s => s > 0 && s <= MaxDuration.TotalSeconds, $"seconds in (0, {MaxDuration.TotalSeconds}]");
        duration.HelpName = "SECONDS";
        var concurrency = Values.Integer("--concurrency", "requests in flight at once", defaults.Concurrency, 1, 1_024);
        var maxRss = Values.Integer("--max-rss-mib", "fail when the sidecar's resident memory exceeds this many MiB at any sample", defaults.MaxRssMib, 16, 1_048_576);
        var markdown = new Option<string>("--markdown") { Description = "also write the result table to FILE", HelpName = "FILE" };

        var command = new Command("fuzz", """
            Sends seeded, structure-aware hostile requests to a live sidecar over gRPC and REST — OIP v2 messages with
            wrong sizes, shapes, datatypes and names, odd metadata, bytes that are not protobuf, JSON that is not
            quite JSON, odd paths and content types — and counts the answers. Fails (exit 1) on any gRPC UNKNOWN or
            INTERNAL, HTTP 5xx other than 503 overloaded, an unanswered request, the sidecar dying or not answering
            its health checks at the end, or its RSS above --max-rss-mib. Targets must be loopback.
              neuralsec-loadtest fuzz [--requests N] [--seed S]          starts its own sidecar (embedded ONNX model, policies/)
              neuralsec-loadtest fuzz --target URL --target-http URL [--target-pid PID]
            """)
        {
            target, targetHttp, targetPid, neuralsec, modelRepository, policies, model, seed, requests, duration, concurrency, maxRss, markdown,
        };
        command.Validators.Add(result =>
        {
            if (!result.TryGetValue(target, out var grpc) || !result.TryGetValue(targetHttp, out var http) || !result.TryGetValue(targetPid, out var pid))
            {
                return;
            }

            if ((grpc is null) != (http is null))
            {
                result.AddError("--target and --target-http go together");
            }
            else if (grpc is null && pid is not null)
            {
                result.AddError("--target-pid goes with --target");
            }
        });
        command.SetAction(parseResult => run(
            new FuzzOptions
            {
                Target = parseResult.GetValue(target),
                TargetHttp = parseResult.GetValue(targetHttp),
                TargetPid = parseResult.GetValue(targetPid),
                NeuralsecBinary = parseResult.GetValue(neuralsec),
                ModelRepository = parseResult.GetValue(modelRepository),
                Policies = parseResult.GetValue(policies),
                Model = parseResult.GetRequiredValue(model),
                Seed = parseResult.GetValue(seed),
                Requests = parseResult.GetValue(requests),
                Duration = TimeSpan.FromSeconds(parseResult.GetValue(duration)),
                Concurrency = parseResult.GetValue(concurrency),
                MaxRssMib = parseResult.GetValue(maxRss),
                MarkdownPath = parseResult.GetValue(markdown),
            },
            parseResult.InvocationConfiguration.Output,
            parseResult.InvocationConfiguration.Error));
        return command;
    }
}
