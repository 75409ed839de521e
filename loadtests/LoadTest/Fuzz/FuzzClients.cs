using System.Text;
using Grpc.Health.V1;
using Grpc.Net.Client;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.LoadTest.Fuzz;

/// <summary>
/// The clients one fuzz run sends through, all to one sidecar: the generated OIP v2 client (typed messages and
/// metadata), its call invoker (any bytes as any method, through a byte marshaller), a bare HTTP/2 client for gRPC
/// requests no gRPC library would send (headers that are not base64, lying frames), and an HTTP/1.1 client for REST.
/// Header values go out as Latin-1, so a non-ASCII byte reaches the sidecar instead of failing in this process.
/// </summary>
internal sealed class FuzzClients : IDisposable
{
    /// <summary>Any single request; past it the request counts as unanswered.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly GrpcChannel _channel;

    public FuzzClients(Uri grpc, Uri http, int concurrency)
    {
        GrpcAddress = grpc;
        HttpAddress = http;
        _channel = GrpcChannel.ForAddress(grpc, new GrpcChannelOptions
        {
            HttpHandler = Handler(concurrency),
            MaxReceiveMessageSize = 64 * 1024 * 1024,
            MaxSendMessageSize = null,
        });
        Inference = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        Health = new Health.HealthClient(_channel);
        RawGrpc = new HttpClient(Handler(concurrency)) { Timeout = Deadline };
        Rest = new HttpClient(Handler(concurrency)) { BaseAddress = http, Timeout = Deadline };
    }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    public GRPCInferenceService.GRPCInferenceServiceClient Inference { get; }

    public Grpc.Core.CallInvoker Invoker => _channel.CreateCallInvoker();

    public Health.HealthClient Health { get; }

    /// <summary>HTTP/2 without TLS (prior knowledge), for hand-made gRPC requests.</summary>
    public HttpClient RawGrpc { get; }

    /// <summary>HTTP/1.1 keep-alive, for REST.</summary>
    public HttpClient Rest { get; }

    public static DateTime CallDeadline() => DateTime.UtcNow.Add(Deadline);

    /// <summary>A client of its own, for a request that may end its connection (past the server's header limits,
    /// which HTTP/2 servers enforce with a connection error): it hurts its own connection only, as a real caller's would.</summary>
    public static HttpClient Isolated() => new(Handler(1)) { Timeout = Deadline };

    public void Dispose()
    {
        Rest.Dispose();
        RawGrpc.Dispose();
        _channel.Dispose();
    }

    private static SocketsHttpHandler Handler(int concurrency) => new()
    {
        EnableMultipleHttp2Connections = true,
        MaxConnectionsPerServer = Math.Max(2, concurrency),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        RequestHeaderEncodingSelector = (_, _) => Encoding.Latin1,
    };
}
