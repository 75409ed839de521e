using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace NeuralSec.Gateway.Hosting;

/// <summary>The listeners as bound, so callers (tests, the log line) learn the real ports when 0 was asked for.</summary>
internal sealed class BoundEndpoints
{
    internal ListenOptions? GrpcListener { get; set; }

    internal ListenOptions? HttpListener { get; set; }

    internal ListenOptions? MetricsListener { get; set; }

    internal bool Tls { get; set; }

    public Uri Grpc => ToUri(GrpcListener);

    public Uri Http => ToUri(HttpListener);

    public Uri Metrics => ToUri(MetricsListener, tls: false);

    private Uri ToUri(ListenOptions? listener, bool? tls = null)
    {
        var endpoint = listener?.IPEndPoint ?? throw new InvalidOperationException("the server has not started");
        var host = endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any) ? "127.0.0.1" : endpoint.Address.ToString();
        if (endpoint.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !endpoint.Address.Equals(IPAddress.IPv6Any))
        {
            host = $"[{host}]";
        }

        return new Uri($"{((tls ?? Tls) ? "https" : "http")}://{host}:{endpoint.Port}");
    }
}
