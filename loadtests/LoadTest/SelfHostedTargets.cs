using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NeuralSec.Gateway.Hosting;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest;

/// <summary>
/// The two servers of <c>--self-host</c>, in this process on 127.0.0.1 with OS-chosen ports: a model server
/// (our gateway with the embedded ONNX Runtime backend, standing in for Triton) and the sidecar (a second
/// gateway with the Upstream backend pointing at the first). Sharing the process and its 2-core budget with the
/// load generator is a handicap for both paths alike.
/// </summary>
internal sealed class SelfHostedTargets : IAsyncDisposable
{
    private static readonly TimeSpan ReadyLimit = TimeSpan.FromSeconds(60);

    private readonly List<WebApplication> apps = [];

    public Uri ModelServer { get; private set; } = null!;

    public Uri Sidecar { get; private set; } = null!;

    /// <summary>The sidecar enforcing <see cref="LoadTestOptions.DefendedPolicies"/>, when asked for.</summary>
    public Uri? DefendedSidecar { get; private set; }

    public static async Task<SelfHostedTargets> StartAsync(LoadTestOptions options)
    {
        var repository = options.ModelRepository ?? FindModelRepository()
            ?? throw new InvalidOperationException("no models/repository folder found above the working directory; pass --model-repository");
        if (!Directory.Exists(Path.Combine(repository, options.Model)))
        {
            throw new InvalidOperationException($"model '{options.Model}' is not in {repository}");
        }

        // models/repository → the repository root, where the pass-through policy lives.
        var root = Path.GetFullPath(Path.Combine(repository, "..", ".."));
        var passThrough = Path.Combine(root, "loadtests", "policies", "passthrough");
        var targets = new SelfHostedTargets();
        try
        {
            var modelServer = await targets.StartGatewayAsync(
                "--NeuralSec:Backend=OnnxRuntime",
                $"--NeuralSec:OnnxRuntime:ModelRepository={Path.GetFullPath(repository)}",
                $"--NeuralSec:OnnxRuntime:Models:0={options.Model}",
                $"--NeuralSec:Policies:Directory={passThrough}");
            targets.ModelServer = modelServer;
            await WaitReadyAsync(modelServer);

            targets.Sidecar = await targets.StartGatewayAsync(
                "--NeuralSec:Backend=Upstream",
                $"--NeuralSec:Upstream:Address={modelServer}",
                $"--NeuralSec:Policies:Directory={passThrough}");
            await WaitReadyAsync(targets.Sidecar);
            if (options.DefendedPolicies is { } defended)
            {
                targets.DefendedSidecar = await targets.StartGatewayAsync(
                    "--NeuralSec:Backend=Upstream",
                    $"--NeuralSec:Upstream:Address={modelServer}",
                    $"--NeuralSec:Policies:Directory={Path.GetFullPath(defended)}",
                    $"--NeuralSec:OnnxRuntime:ModelRepository={Path.GetFullPath(repository)}",
                    "--NeuralSec:Alerts:Enabled=false");
                await WaitReadyAsync(targets.DefendedSidecar);
            }
            return targets;
        }
        catch
        {
            await targets.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Sidecar first, then the server it forwards to.
        for (var i = apps.Count - 1; i >= 0; i--)
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await apps[i].StopAsync(limit.Token);
            await apps[i].DisposeAsync();
        }

        apps.Clear();
    }

    /// <summary>The nearest <c>models/repository</c> above the working directory or the executable.</summary>
    private static string? FindModelRepository()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "models", "repository");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static async Task WaitReadyAsync(Uri address)
    {
        using var target = new Target("probe", address);
        using var limit = new CancellationTokenSource(ReadyLimit);
        while (true)
        {
            try
            {
                var response = await target.Client.ServerReadyAsync(new ServerReadyRequest(), cancellationToken: limit.Token);
                if (response.Ready)
                {
                    return;
                }
            }
            catch (Grpc.Core.RpcException) when (!limit.IsCancellationRequested)
            {
                // Still starting.
            }

            await Task.Delay(50, limit.Token);
        }
    }

    private async Task<Uri> StartGatewayAsync(params string[] settings)
    {
        string[] common =
        [
            "--NeuralSec:Server:ListenAddress=127.0.0.1",
            "--NeuralSec:Server:GrpcPort=0",
            "--NeuralSec:Server:HttpPort=0",
            "--NeuralSec:Server:MetricsPort=0",
            "--NeuralSec:Server:ShutdownDrainDelay=00:00:00", // no load balancer to drain from
            "--Logging:LogLevel:Default=Warning",
        ];
        var app = GatewayApplication.Build([.. common, .. settings]);
        apps.Add(app);
        await app.StartAsync();
        return app.Services.GetRequiredService<BoundEndpoints>().Grpc;
    }
}
