using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.Alerts.Sinks.Syslog;
using NeuralSec.Gateway.Alerts.Sinks.Webhook;

namespace NeuralSec.Gateway.Tests.Alerts;

public sealed class AlertOptionsTests
{
    [Fact]
    public void Accepts_TheDefaults()
    {
        Assert.True(new AlertOptionsValidator().Validate(null, new AlertOptions()).Succeeded);
    }

    [Fact]
    public void Rejects_EveryBadSink_AtOnce()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["NeuralSec:Alerts:AggregationWindow"] = "-00:00:01",
            ["NeuralSec:Alerts:Sinks:0:Type"] = "Webhook",
            ["NeuralSec:Alerts:Sinks:0:Url"] = "ftp://soc",
            ["NeuralSec:Alerts:Sinks:0:BatchSize"] = "0",
            ["NeuralSec:Alerts:Sinks:1:Type"] = "Syslog",
            ["NeuralSec:Alerts:Sinks:1:Port"] = "70000",
            ["NeuralSec:Alerts:Sinks:1:AppName"] = "neural sec",
            ["NeuralSec:Alerts:Sinks:2:Type"] = "JsonLines",
            ["NeuralSec:Alerts:Sinks:2:Name"] = "syslog",
        });

        var result = new AlertOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.StartsWith("NeuralSec:Alerts:AggregationWindow", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("NeuralSec:Alerts:Sinks:0:Url", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("NeuralSec:Alerts:Sinks:0:SpoolDirectory", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("NeuralSec:Alerts:Sinks:0:BatchSize", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("NeuralSec:Alerts:Sinks:1:Port", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("NeuralSec:Alerts:Sinks:1:AppName", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("NeuralSec:Alerts:Sinks:2:Name", StringComparison.Ordinal));
    }

    [Fact]
    public void Rejects_AnUnknownSinkType_NamingTheKnownOnes()
    {
        var options = Bind(new Dictionary<string, string?> { ["NeuralSec:Alerts:Sinks:0:Type"] = "Webhok" });

        var failure = Assert.Single(new AlertOptionsValidator().Validate(null, options).Failures!);

        Assert.Equal("NeuralSec:Alerts:Sinks:0:Type: 'Webhok' is not one of JsonLines, Webhook, Syslog.", failure);
    }

    [Fact]
    public void Binds_SinksFromConfiguration()
    {
        var options = Bind(new Dictionary<string, string?>
        {
            ["NeuralSec:Alerts:AggregationWindow"] = "00:00:30",
            ["NeuralSec:Alerts:Sinks:0:Type"] = "Webhook",
            ["NeuralSec:Alerts:Sinks:0:Url"] = "https://soc.example/hook",
            ["NeuralSec:Alerts:Sinks:0:SpoolDirectory"] = "/var/spool/neuralsec",
            ["NeuralSec:Alerts:Sinks:0:Headers:Authorization"] = "Bearer x",
            ["NeuralSec:Alerts:Sinks:1:Type"] = "Syslog",
            ["NeuralSec:Alerts:Sinks:1:Protocol"] = "Tcp",
            ["NeuralSec:Alerts:Sinks:1:Format"] = "Json",
        });

        Assert.Equal(TimeSpan.FromSeconds(30), options.AggregationWindow);
        Assert.Equal(2, options.Sinks.Count);
        Assert.Equal("Bearer x", Assert.IsType<WebhookSinkOptions>(options.Sinks[0]).Headers["Authorization"]);
        var syslog = Assert.IsType<SyslogSinkOptions>(options.Sinks[1]);
        Assert.Equal(SyslogProtocol.Tcp, syslog.Protocol);
        Assert.Equal(SyslogPayloadFormat.Json, syslog.Format);
        Assert.True(new AlertOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void SinkNames_DefaultToTheType_NumberedWhenRepeated()
    {
        var names = AlertSinkFactory.ResolveNames(
        [
            new AlertSinkOptions { Type = "Webhook" },
            new AlertSinkOptions { Type = "Syslog" },
            new AlertSinkOptions { Type = "webhook" },
            new AlertSinkOptions { Type = "JsonLines", Name = "audit-file" },
        ]);

        Assert.Equal(["webhook-0", "syslog", "webhook-1", "audit-file"], names);
    }

    [Fact]
    public void AddAlerts_RegistersThePublisherAndHostedService()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAlerts(new ConfigurationBuilder().Build());
        using var provider = services.BuildServiceProvider();

        var publisher = provider.GetRequiredService<IAlertPublisher>();

        Assert.IsType<AlertDispatcher>(publisher);
        Assert.Same(publisher, provider.GetServices<IHostedService>().OfType<AlertDispatcher>().Single());
        Assert.Equal("jsonlines", ((AlertDispatcher)publisher).Sinks.Single().Name);
    }

    [Fact]
    public void AddAlerts_FailsStartUp_OnABadConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["NeuralSec:Alerts:Sinks:0:Type"] = "Webhook",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddAlerts(configuration);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<AlertOptions>>().Value);

        Assert.Equal(2, error.Failures.Count()); // Url and SpoolDirectory, together
    }

    /// <summary>The options as the host binds them (through <see cref="AlertServiceCollectionExtensions.AddAlerts"/>),
    /// each sink as its own type's options.</summary>
    private static AlertOptions Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddAlerts(configuration);
        services.RemoveAll<IValidateOptions<AlertOptions>>();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<AlertOptions>>().Value;
    }
}
