using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NeuralSec.Data;
using NeuralSec.Gateway.Health;
using NeuralSec.Gateway.Hosting;
using NeuralSec.Gateway.Pipeline;

namespace NeuralSec.Gateway.Benchmarks;

/// <summary>
/// The production sidecar (<see cref="GatewayApplication"/>: options, embedded ONNX Runtime backend, policy store,
/// every stage) started on loopback ports the OS picks, under one policy folder, with logging off; its stages in
/// pipeline order, for a benchmark to run directly.
/// </summary>
internal sealed class SidecarInProcess : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SidecarInProcess(WebApplication app)
    {
        _app = app;
        Stages = app.Services.GetServices<IPipelineStage>().OrderBy(s => s.Id).ToArray();
        Pipeline = app.Services.GetRequiredService<InferencePipeline>();
    }

    /// <summary>The stages in the order the pipeline runs them.</summary>
    public IReadOnlyList<IPipelineStage> Stages { get; }

    /// <summary>The pipeline itself (its stage timers, log scope and request metrics around the same stages).</summary>
    public InferencePipeline Pipeline { get; }

    /// <summary>Starts it under <paramref name="policies"/> (a folder relative to the repository root) and waits until
    /// it is ready (the model loaded, the policies read).</summary>
    public static async Task<SidecarInProcess> StartAsync(string policies)
    {
        var root = RepositoryPaths.Root();
        var settings = new Dictionary<string, string?>
        {
            ["NeuralSec:Server:ListenAddress"] = "127.0.0.1",
            ["NeuralSec:Server:GrpcPort"] = "0",
            ["NeuralSec:Server:HttpPort"] = "0",
            ["NeuralSec:Server:MetricsPort"] = "0",
            ["NeuralSec:Server:ShutdownDrainDelay"] = "00:00:00",
            ["NeuralSec:OnnxRuntime:ModelRepository"] = RepositoryPaths.ModelRepository(),
            ["NeuralSec:OnnxRuntime:Models:0"] = "mnist",
            ["NeuralSec:Policies:Directory"] = Path.Combine(root, policies),
        };
        var app = GatewayApplication.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
        });
        await app.StartAsync().ConfigureAwait(false);
        var readiness = app.Services.GetRequiredService<IReadinessSource>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!readiness.IsReady)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the sidecar under {policies} was not ready within 60 s");
            }

            await Task.Delay(20).ConfigureAwait(false);
        }

        return new SidecarInProcess(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
