using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest.Fuzz;

/// <summary>
/// One fuzz run: start (or find) the sidecar, send hostile requests from a pool of workers until the count or the
/// time is reached — stopping early if the sidecar dies or outgrows its memory bound — sample its RSS throughout,
/// check it still answers its health checks, print the table. Exit 0 when nothing failed, 1 otherwise.
/// </summary>
internal static class FuzzRun
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(FuzzOptions options, TextWriter output, TextWriter error)
    {
        await using var target = await FuzzTarget.StartAsync(options, error);
        using var clients = new FuzzClients(target.Grpc, target.Http, options.Concurrency);
        var metadata = await clients.Inference.ModelMetadataAsync(new ModelMetadataRequest { Name = options.Model }, deadline: FuzzClients.CallDeadline());
        var wellFormed = WellFormed.From(metadata, options.Model == "mnist" ? MnistDigit.First() : null);
        var generator = new HostileRequests(options.Seed, wellFormed);
        var tally = new OutcomeTally();
        var maxRss = options.MaxRssMib * 1024L * 1024;
        await using var rss = target.ProcessId is { } pid ? RssSampler.Start(pid, TimeSpan.FromSeconds(1)) : null;
        var idleRss = target.ProcessId is { } p ? RssSampler.Read(p) : null;

        await error.WriteLineAsync($"fuzzing {target.Grpc} (gRPC) and {target.Http} (REST): seed {options.Seed}, up to {options.Requests:N0} requests or {options.Duration.TotalSeconds:F0} s, {options.Concurrency} in flight");
        var started = Stopwatch.GetTimestamp();
        using var stop = new CancellationTokenSource(options.Duration);
        var next = -1L;
        var workers = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
        {
            long index;
            while (!stop.IsCancellationRequested && (index = Interlocked.Increment(ref next)) < options.Requests)
            {
                var (kind, outcome) = await SendOneAsync(generator, clients, index);
                tally.Add(index, kind, outcome);
            }
        })).ToArray();

        string? stoppedBecause = null;
        var all = Task.WhenAll(workers);
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(ProgressInterval));
            var elapsed = Stopwatch.GetElapsedTime(started);
            await error.WriteLineAsync($"{elapsed.TotalSeconds,6:F0} s: {tally.Total:N0} requests ({tally.Total / elapsed.TotalSeconds:F0}/s), {tally.Failures} failed{(rss?.LastBytes is { } last ? $", sidecar RSS {Mib(last)} MiB" : string.Empty)}");
            if (target.HasExited)
            {
                stoppedBecause = "the sidecar process exited";
            }
            else if (rss?.PeakBytes > maxRss)
            {
                stoppedBecause = $"the sidecar's RSS passed {options.MaxRssMib} MiB";
            }

            if (stoppedBecause is not null && !stop.IsCancellationRequested)
            {
                await error.WriteLineAsync($"stopping: {stoppedBecause}");
                await stop.CancelAsync();
            }
        }

        await all;
        var elapsedTotal = Stopwatch.GetElapsedTime(started);
        rss?.SampleNow();
        IReadOnlyList<(string, bool, string)> health = target.HasExited ? [("process", false, "exited")] : await HealthAsync(clients);
        var result = new FuzzResult(options, target, tally, elapsedTotal, idleRss, rss, health, stoppedBecause);
        var markdown = FuzzReport.Markdown(result);
        await output.WriteLineAsync(markdown);
        if (target.HasExited)
        {
            await error.WriteLineAsync($"the sidecar's last output:{Environment.NewLine}{target.RecentOutput}");
        }

        if (options.MarkdownPath is not null)
        {
            await File.WriteAllTextAsync(options.MarkdownPath, markdown);
        }

        return result.Passed ? 0 : 1;
    }

    public static long Mib(long bytes) => bytes / (1024 * 1024);

    private static async Task<(string Kind, FuzzOutcome Outcome)> SendOneAsync(HostileRequests generator, FuzzClients clients, long index)
    {
        string kind = "(not built)";
        try
        {
            var hostile = generator.Create(index);
            kind = hostile.Kind;
            return (kind, await hostile.SendAsync(clients));
        }
#pragma warning disable CA1031 // A defect of the generator is reported as one, not allowed to end a long run.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return (kind, new FuzzOutcome("fuzzer", $"fuzzer defect: {ex.GetType().Name}: {ex.Message}", string.Empty, true));
        }
    }

    /// <summary>The sidecar's three health answers after the run: OIP ServerLive, grpc.health.v1, REST readiness.</summary>
    private static async Task<IReadOnlyList<(string Check, bool Passed, string Answer)>> HealthAsync(FuzzClients clients)
    {
        var checks = new List<(string, bool, string)>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        try
        {
            var live = await clients.Inference.ServerLiveAsync(new ServerLiveRequest(), deadline: deadline);
            checks.Add(("gRPC ServerLive", live.Live, $"live = {live.Live}"));
        }
        catch (RpcException ex)
        {
            checks.Add(("gRPC ServerLive", false, ex.StatusCode.ToString()));
        }

        try
        {
            var health = await clients.Health.CheckAsync(new HealthCheckRequest(), deadline: deadline);
            checks.Add(("grpc.health.v1 Check", health.Status == HealthCheckResponse.Types.ServingStatus.Serving, health.Status.ToString()));
        }
        catch (RpcException ex)
        {
            checks.Add(("grpc.health.v1 Check", false, ex.StatusCode.ToString()));
        }

        try
        {
            using var ready = await clients.Rest.GetAsync(new Uri("/v2/health/ready", UriKind.Relative));
            checks.Add(("GET /v2/health/ready", ready.IsSuccessStatusCode, $"HTTP {(int)ready.StatusCode}"));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            checks.Add(("GET /v2/health/ready", false, ex.GetType().Name));
        }

        return checks;
    }
}
