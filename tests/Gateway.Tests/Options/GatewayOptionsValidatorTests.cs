using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Hosting;

namespace NeuralSec.Gateway.Tests.Options;

/// <summary>Start-up validation of the <c>NeuralSec</c> section: every error at once, each naming its key.</summary>
public sealed class GatewayOptionsValidatorTests
{
    [Fact]
    public void Defaults_are_valid()
    {
        var options = GatewayApplication.BindAndValidate(Configuration([]));

        Assert.True(options.Identity.FailedAuth.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Server.ShutdownDrainDelay);
    }

    [Fact]
    public void Failed_auth_throttle_errors_are_reported_together()
    {
        var errors = Errors(new()
        {
            ["NeuralSec:Identity:FailedAuth:Burst"] = "0",
            ["NeuralSec:Identity:FailedAuth:RefillInterval"] = "00:00:00",
            ["NeuralSec:Identity:FailedAuth:MaxTrackedAddresses"] = "1",
        });

        Assert.Contains(errors, e => e.StartsWith("NeuralSec:Identity:FailedAuth:Burst:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("NeuralSec:Identity:FailedAuth:RefillInterval:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("NeuralSec:Identity:FailedAuth:MaxTrackedAddresses:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("00:10:01")]
    public void Drain_delay_out_of_range_is_refused(string delay)
    {
        var errors = Errors(new() { ["NeuralSec:Server:ShutdownDrainDelay"] = delay });

        Assert.Contains(errors, e => e.StartsWith("NeuralSec:Server:ShutdownDrainDelay:", StringComparison.Ordinal));
    }

    [Fact]
    public void Listen_addresses_and_the_TLS_poll_are_checked_together()
    {
        var errors = Errors(new()
        {
            ["NeuralSec:Server:ListenAddress"] = "pod.local",
            ["NeuralSec:Server:MetricsListenAddress"] = "127.0.0.300",
            ["NeuralSec:Server:TlsReloadPollInterval"] = "00:00:00",
        });

        Assert.Contains(errors, e => e.StartsWith("NeuralSec:Server:ListenAddress:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("NeuralSec:Server:MetricsListenAddress:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("NeuralSec:Server:TlsReloadPollInterval:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("localhost")]
    [InlineData("*")]
    public void Metrics_listen_address_accepts_what_a_listener_can_bind(string address)
    {
        var options = GatewayApplication.BindAndValidate(Configuration(new() { ["NeuralSec:Server:MetricsListenAddress"] = address }));

        Assert.Equal(address, options.Server.MetricsListenAddress);
    }

    internal static IReadOnlyList<string> Errors(Dictionary<string, string?> settings) =>
        Assert.Throws<OptionsValidationException>(() => GatewayApplication.BindAndValidate(Configuration(settings))).Failures.ToArray();

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
