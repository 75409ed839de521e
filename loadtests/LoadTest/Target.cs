using Grpc.Net.Client;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest;

/// <summary>One endpoint under test with its own channel. All targets get identical channel settings so the
/// client side costs the same on every path.</summary>
internal sealed class Target : IDisposable
{
    private readonly GrpcChannel channel;

    public Target(string name, Uri address, string? description = null)
    {
        Name = name;
        Description = description ?? name;
        Address = address;
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

    /// <summary>The row label in the report.</summary>
    public string Description { get; }

    public Uri Address { get; }

    public GRPCInferenceService.GRPCInferenceServiceClient Client { get; }

    public void Dispose() => channel.Dispose();
}
