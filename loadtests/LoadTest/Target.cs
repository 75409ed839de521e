using Grpc.Net.Client;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest;

/// <summary>One endpoint under test with its own channel. All targets get identical channel settings so the
/// client side costs the same on every path.</summary>
internal sealed class Target : IDisposable
{
    private readonly GrpcChannel channel;

    /// <param name="processId">The process this path adds in front of the model (the model server itself for the
    /// direct path), for its memory figures; null when the tool did not start it.</param>
    /// <param name="metrics">A NeuralSec process's Prometheus endpoint, for its per-stage costs; null for other paths.</param>
    /// <param name="modelMetrics">A model server's Prometheus endpoint (the direct paths of <c>--self-host</c>), for the
    /// executions its requests took; null for other paths.</param>
    public Target(string name, Uri address, TargetKind kind, string? description = null, int? processId = null, Uri? metrics = null, Uri? modelMetrics = null)
    {
        ModelMetrics = modelMetrics;
        Name = name;
        Kind = kind;
        Description = description ?? name;
        Address = address;
        ProcessId = processId;
        Metrics = metrics;
        channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                UseProxy = false,
            },
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });
        Client = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
    }

    public string Name { get; }

    public TargetKind Kind { get; }

    /// <summary>The row label in the report.</summary>
    public string Description { get; }

    public Uri Address { get; }

    public int? ProcessId { get; }

    /// <summary>The sidecar's <c>/metrics</c> URL, where its stage timings are read.</summary>
    public Uri? Metrics { get; }

    /// <summary>The model server's <c>/metrics</c> URL, where its executions are counted.</summary>
    public Uri? ModelMetrics { get; }

    public GRPCInferenceService.GRPCInferenceServiceClient Client { get; }

    public void Dispose() => channel.Dispose();
}
