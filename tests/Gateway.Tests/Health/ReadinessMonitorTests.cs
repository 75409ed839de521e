using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Health;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.Health;

/// <summary>No background loop may stop the host: the health mirror keeps going whatever its backend throws.</summary>
public sealed class ReadinessMonitorTests
{
    [Fact]
    public async Task A_backend_that_throws_is_not_ready_and_the_loop_goes_on()
    {
        var health = new HealthServiceImpl();
        var backend = new FlakyBackend(failures: 3);
        using var monitor = new ReadinessMonitor(health, backend, TimeProvider.System, NullLogger<ReadinessMonitor>.Instance);

        await monitor.StartAsync(CancellationToken.None);
        await Wait.Until(() => Status(health) == HealthCheckResponse.Types.ServingStatus.Serving);

        Assert.True(backend.Reads > 3, "the loop read readiness again after the failures");
        Assert.False(monitor.ExecuteTask!.IsCompleted);
        await monitor.StopAsync(CancellationToken.None);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, Status(health));
    }

    [Fact]
    public async Task The_host_ignores_a_faulted_background_service_as_a_last_line_of_defence()
    {
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
        }, waitUntilReady: false);

        var host = server.Services.GetRequiredService<IOptions<HostOptions>>().Value;

        Assert.Equal(BackgroundServiceExceptionBehavior.Ignore, host.BackgroundServiceExceptionBehavior);
    }

    private static HealthCheckResponse.Types.ServingStatus Status(HealthServiceImpl health) =>
        health.Check(new HealthCheckRequest(), null!).Result.Status;

    /// <summary>Throws from <see cref="IsReady"/> a few times, then is ready: a fault no real backend can be made
    /// to produce on demand.</summary>
    private sealed class FlakyBackend(int failures) : IReadinessSource
    {
        private int reads;

        public int Reads => Volatile.Read(ref reads);

        public bool IsReady => Interlocked.Increment(ref reads) <= failures ? throw new InvalidOperationException("boom") : true;
    }
}
