using System.Net;
using Grpc.Net.Client;
using NeuralSec.Gateway.Options;

namespace NeuralSec.Gateway.Backends.Upstream;

/// <summary>Builds the one HTTP/2 channel the sidecar keeps to the model server.</summary>
internal static class UpstreamChannelFactory
{
    /// <summary>Generous: output tensors (e.g. segmentation maps) can far exceed gRPC's 4 MB default, and the
    /// server is the sidecar's own neighbour in the pod, not an attacker.</summary>
    private const int MaxMessageBytes = 256 * 1024 * 1024;

    public static GrpcChannel Create(UpstreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var handler = new SocketsHttpHandler
        {
            // One HTTP/2 connection caps at the server's SETTINGS_MAX_CONCURRENT_STREAMS (100 by default in
            // Triton and Kestrel); beyond that calls would queue inside the handler, invisible to our limiter.
            EnableMultipleHttp2Connections = true,

            // Pings keep idle connections through NATs/conntrack and detect a dead peer before a request does.
            KeepAlivePingDelay = TimeSpan.FromSeconds(30),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,

            // A refused or black-holed connect must fail within one attempt, not hang until the total timeout.
            ConnectTimeout = options.AttemptTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
        };

        // http:// means h2c (prior-knowledge HTTP/2 over cleartext), which Grpc.Net.Client does by itself.
        return GrpcChannel.ForAddress(options.Address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = MaxMessageBytes,
            MaxSendMessageSize = MaxMessageBytes,

            // No ServiceConfig, so the client does no retries of its own: retries belong to the Polly pipeline
            // alone, since two retry layers would multiply attempts.
            // Cancellation surfaces as OperationCanceledException so Polly's timeout strategy can recognise its own.
            ThrowOperationCanceledOnCancellation = true,
        });
    }
}
