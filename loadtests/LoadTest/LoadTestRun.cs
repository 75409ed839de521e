using System.Diagnostics;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest;

/// <summary>One load-test run with its options parsed: start the targets, measure every level with them (the time
/// budget shared out by the levels' request counts), cross-check with h2load, print the tables and write the files.</summary>
internal static class LoadTestRun
{
    private static readonly TimeSpan RssInterval = TimeSpan.FromMilliseconds(250);

    public static async Task<int> RunAsync(LoadTestOptions options, TextWriter output, TextWriter error)
    {
        var started = DateTimeOffset.Now;

        // External tools are found first: a missing one fails the run before minutes of measuring, not after.
        var h2load = options.H2Load
            ? ExecutableLocator.Find(options.H2LoadBinary, "h2load", "/usr/bin/h2load", "nghttp2-client", "--h2load-binary")
            : null;
        SelfHostedTargets? selfHosted = null;
        var targets = new List<Target>();
        try
        {
            if (options.SelfHost)
            {
                await error.WriteLineAsync($"starting model server (ONNX Runtime){(options.DynamicBatching.Count > 0 ? $", {options.DynamicBatching.Count} with dynamic batching" : string.Empty)}{(options.Nginx ? ", nginx" : string.Empty)}{(options.ReferenceProxy ? ", reference proxy" : string.Empty)} and sidecar (Upstream) on 127.0.0.1 …");
                selfHosted = await SelfHostedTargets.StartAsync(options);
                targets.AddRange(SelfHostedTargetList(selfHosted, options));
            }
            else
            {
                targets.Add(new Target("direct", options.Direct!, TargetKind.Direct, "direct (model server)"));
                targets.Add(new Target("sidecar", options.Sidecar!, TargetKind.Sidecar, "through sidecar"));
            }

            foreach (var target in targets)
            {
                await error.WriteLineAsync($"{target.Name,-15} {target.Address}");
            }

            var metadata = await targets[0].Client.ModelMetadataAsync(new ModelMetadataRequest { Name = options.Model }, deadline: DateTime.UtcNow.AddSeconds(10));
            var requests = options.DistinctDigits
                ? new RequestSet([.. MnistDigit.All().Select(digit => RequestFactory.Build(metadata, options.BatchSize, digit))]) { TimeRefusals = options.TimeRefusals }
                : new RequestSet([RequestFactory.Build(metadata, options.BatchSize, options.MnistDigit ? MnistDigit.First() : null)]) { TimeRefusals = options.TimeRefusals };

            var levels = await MeasureLevelsAsync(options, targets, requests, error);
            var crossCheck = h2load is null
                ? null
                : await H2LoadRunner.RunAsync(h2load, targets, options.MeasuredLevels(), options.H2LoadRequests, requests.Next(), error);

            var run = new RunResult(
                options,
                MachineDescription.OfThisMachine(),
                started,
                options.Rate > 0 ? $"open loop {options.Rate:F0} req/s" : "closed loop",
                (options.DistinctDigits ? "a different real MNIST digit per request (10,000, cycling)" : options.MnistDigit ? "one real MNIST digit" : "uniform noise in [0, 1) from a fixed seed") + (options.TimeRefusals ? "; refusals (PERMISSION_DENIED) timed as answers" : string.Empty),
                targets,
                levels,
                Goals.Evaluate(levels, options.Rate > 0),
                crossCheck);
            await WriteAsync(run, output, error);
            return levels.Count == options.MeasuredLevels().Count && levels.All(l => l.Paths.All(p => p.Result.Successes > 0)) ? 0 : 1;
        }
        finally
        {
            foreach (var target in targets)
            {
                target.Dispose();
            }

            if (selfHosted is not null)
            {
                await selfHosted.DisposeAsync();
            }
        }
    }

    /// <summary>Direct, batched model servers, nginx, reference proxy, pass-through sidecar, defended sidecars: the order of the rows and of the first round.</summary>
    private static IEnumerable<Target> SelfHostedTargetList(SelfHostedTargets hosted, LoadTestOptions options)
    {
        yield return new Target("direct", hosted.ModelServer.Grpc, TargetKind.Direct, "direct (model server)", hosted.ModelServer.ProcessId, modelMetrics: hosted.ModelServer.Metrics);
        for (var i = 0; i < hosted.BatchedModelServers.Count; i++)
        {
            var server = hosted.BatchedModelServers[i];
            yield return new Target(SelfHostedTargets.BatchedName(i), server.Grpc, TargetKind.DirectBatched, $"direct (model server), dynamic batching {options.DynamicBatching[i].Label}", server.ProcessId, modelMetrics: server.Metrics);
        }

        if (hosted.Nginx is { } nginx)
        {
            yield return new Target("nginx", nginx.Grpc, TargetKind.Nginx, $"through {nginx.Version}, grpc_pass", nginx.ProcessId);
        }

        if (hosted.ReferenceProxy is { } reference)
        {
            yield return new Target("reference-proxy", reference.Grpc, TargetKind.ReferenceProxy, ReferenceProxyProcess.Description, reference.ProcessId);
        }

        yield return new Target("sidecar", hosted.Sidecar.Grpc, TargetKind.Sidecar, "through sidecar, pass-through policy", hosted.Sidecar.ProcessId, hosted.Sidecar.Metrics);
        for (var i = 0; i < hosted.DefendedSidecars.Count; i++)
        {
            var defended = hosted.DefendedSidecars[i];
            yield return new Target(SelfHostedTargets.DefendedName(i), defended.Grpc, TargetKind.Defended, $"through sidecar, policies of {options.DefendedPolicies[i]}", defended.ProcessId, defended.Metrics);
        }

        for (var i = 0; i < hosted.AuxiliaryBatchedSidecars.Count; i++)
        {
            var defended = hosted.AuxiliaryBatchedSidecars[i];
            yield return new Target(SelfHostedTargets.AuxiliaryBatchedName(i), defended.Grpc, TargetKind.Defended, $"through sidecar, policies of {options.DefendedPolicies[0]}, {DynamicBatchingOption.AuxiliaryModel} batched {options.AuxiliaryBatching[i].Label}", defended.ProcessId, defended.Metrics);
        }
    }

    /// <summary>Every level in turn with the same targets; each gets the share of what is left of
    /// <see cref="LoadTestOptions.MaxDuration"/> that its request count is of the requests still to send.</summary>
    private static async Task<IReadOnlyList<LevelResult>> MeasureLevelsAsync(LoadTestOptions options, IReadOnlyList<Target> targets, RequestSet requests, TextWriter error)
    {
        var idle = targets.Select(t => t.ProcessId is { } pid ? RssSampler.Read(pid) : null).ToArray();
        var alternating = new AlternatingRun(options, requests);
        var levels = options.MeasuredLevels();
        var results = new List<LevelResult>();
        var started = Stopwatch.GetTimestamp();
        if (options.Settle > 0)
        {
            // A tenth of the run at most, counted in it: the levels share what is left.
            await alternating.SettleAsync(targets, levels.Max(l => l.Concurrency), options.Settle, options.MaxDuration / 10);
        }

        var requestsLeft = levels.Sum(l => (long)l.Requests);
        foreach (var level in levels)
        {
            var left = options.MaxDuration - Stopwatch.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                await error.WriteLineAsync($"--max-duration spent before {level.Label}; reporting the levels measured");
                break;
            }

            var budget = left * ((double)level.Requests / requestsLeft);
            requestsLeft -= level.Requests;
            var samplers = targets.Select(t => t.ProcessId is { } pid ? RssSampler.Start(pid, RssInterval) : null).ToArray();
            var stages = new StageCostReader(targets);
            var executions = new ModelExecutionReader(targets);
            PhaseResult[] phases;
            try
            {
                phases = await alternating.RunAsync(targets, level, budget, async () =>
                {
                    await stages.StartAsync();
                    await executions.StartAsync();
                });
            }
            finally
            {
                foreach (var sampler in samplers)
                {
                    if (sampler is not null)
                    {
                        await sampler.DisposeAsync();
                    }
                }
            }

            var costs = await stages.StopAsync();
            var executed = await executions.StopAsync();
            var label = options.Rate > 0 ? $"open loop {options.Rate:F0} req/s" : level.Label;
            results.Add(new LevelResult(level, label, [.. targets.Select((t, i) => new PathMeasurement(t, phases[i], idle[i], samplers[i]?.PeakBytes, costs[i], executed[i]))]));
        }

        return results;
    }

    private static async Task WriteAsync(RunResult run, TextWriter output, TextWriter error)
    {
        var markdown = Report.Markdown(run);
        await output.WriteLineAsync(markdown);
        if (run.Options.MarkdownPath is { } markdownPath)
        {
            await File.WriteAllTextAsync(InFolder(markdownPath), markdown);
        }

        if (run.Options.JsonPath is { } jsonPath)
        {
            await JsonReport.WriteAsync(InFolder(jsonPath), run);
            await error.WriteLineAsync($"wrote {jsonPath}");
        }

        if (run.Options.ChartPath is { } chartPath)
        {
            LatencyChart.Save(InFolder(chartPath), run);
            await error.WriteLineAsync($"wrote {chartPath}");
        }
    }

    /// <summary><paramref name="path"/>, its folder made first (artifacts/ need not exist).</summary>
    private static string InFolder(string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        return path;
    }
}
