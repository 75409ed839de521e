using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Gateway.Backends;
using NeuralSec.Gateway.Backends.Upstream;
using NeuralSec.Gateway.Options;

namespace NeuralSec.Gateway.Tests.Upstream;

/// <summary>Options and requests shared by the upstream tests: fast retries, a breaker that stays out of the way
/// unless a test wants it, and generous timeouts that only act as limits.</summary>
internal static class UpstreamTestOptions
{
    public static UpstreamOptions For(string address, Action<UpstreamOptions>? configure = null)
    {
        var options = new UpstreamOptions
        {
            Address = address,
            AttemptTimeout = TimeSpan.FromSeconds(5),
            TotalTimeout = TimeSpan.FromSeconds(10),
            MaxRetries = 3,
            RetryBaseDelay = TimeSpan.FromMilliseconds(1),
            BreakerMinimumThroughput = 1000,
            BreakerFailureRatio = 1.0,
            ReadinessPollInterval = TimeSpan.FromMilliseconds(50),
        };
        configure?.Invoke(options);
        return options;
    }

    public static UpstreamOipBackend Backend(UpstreamOptions options, TimeProvider? clock = null) =>
        new(options, clock ?? TimeProvider.System, NullLoggerFactory.Instance);

    public static BackendInferRequest EchoRequest(string model = FakeInferenceService.ModelName) => new(
        model,
        null,
        "req-1",
        [InferenceTensor.FromFloats("x", [1, 4], [1f, 2f, 3f, 4f])],
        []);

    /// <summary>An address where nothing listens: a port the OS just handed out and took back.</summary>
    public static string DeadAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
