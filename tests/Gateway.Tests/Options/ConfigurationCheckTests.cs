using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Hosting;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.Options;

/// <summary>Unknown keys and unconvertible values under <c>NeuralSec:</c>: the binder would ignore the one (a typo
/// silently leaves the default) and stop at the other with a .NET type name.</summary>
public sealed class ConfigurationCheckTests
{
    [Fact]
    public void A_misspelt_key_is_an_error_with_a_suggestion()
    {
        var errors = Errors(new() { ["NeuralSec:Server:GrpcPrt"] = "9000" });

        Assert.Equal("NeuralSec:Server:GrpcPrt: no such setting; did you mean 'GrpcPort'?", Assert.Single(errors));
    }

    [Fact]
    public void A_key_nothing_resembles_lists_the_settings_of_its_section()
    {
        var error = Assert.Single(Errors(new() { ["NeuralSec:Limits:Whatever"] = "1" }));

        Assert.StartsWith("NeuralSec:Limits:Whatever: no such setting (settings here: MaxBatch, ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_enum_value_names_the_valid_ones()
    {
        var error = Assert.Single(Errors(new() { ["NeuralSec:Backend"] = "Upsteam" }));

        Assert.Equal("NeuralSec:Backend: 'Upsteam' is not one of OnnxRuntime, Upstream; did you mean 'Upstream'?", error);
        Assert.DoesNotContain("NeuralSec.Gateway", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var errors = Errors(new()
        {
            ["NeuralSec:Server:GrpcPrt"] = "9000",
            ["NeuralSec:Server:HttpPort"] = "eighty",
            ["NeuralSec:OnnxRuntime:ExecutionProvider"] = "Gpu",
            ["NeuralSec:Policies:PollIntervall"] = "00:00:01",
            ["NeuralSec:Policies:Debounce"] = "soon",
            ["NeuralSec:Identity:FailedAuth:Enabled"] = "yes",
            ["NeuralSec:Alerts:Sinks:0:Type"] = "Webhook",
            ["NeuralSec:Alerts:Sinks:0:Urll"] = "https://siem.example/",
            ["NeuralSec:Redis:Configuraton"] = "127.0.0.1:6379",
        });

        Assert.Equal(
            [
                "NeuralSec:Alerts:Sinks:0:Urll: no such setting; did you mean 'Url'?",
                "NeuralSec:Identity:FailedAuth:Enabled: 'yes' is not true or false",
                "NeuralSec:OnnxRuntime:ExecutionProvider: 'Gpu' is not one of Auto, Cpu, Cuda; did you mean 'Cpu'?",
                "NeuralSec:Policies:Debounce: 'soon' is not a duration (hh:mm:ss, e.g. 00:00:05 for 5 seconds)",
                "NeuralSec:Policies:PollIntervall: no such setting; did you mean 'PollInterval'?",
                "NeuralSec:Redis:Configuraton: no such setting; did you mean 'Configuration'?",
                "NeuralSec:Server:GrpcPrt: no such setting; did you mean 'GrpcPort'?",
                "NeuralSec:Server:HttpPort: 'eighty' is not a whole number",
            ],
            errors.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_list_needs_indexes_and_a_section_is_not_a_value()
    {
        var errors = Errors(new()
        {
            ["NeuralSec:OnnxRuntime:Models:first"] = "mnist",
            ["NeuralSec:Server"] = "8001",
        });

        Assert.Contains("NeuralSec:OnnxRuntime:Models:first: 'first' is not a list index (a list's items are 0, 1, 2, …)", errors);
        Assert.Contains(errors, e => e.StartsWith("NeuralSec:Server: is a section of settings (", StringComparison.Ordinal));
    }

    /// <summary>The settings the project itself ships and documents are all known: the sidecar's appsettings.json,
    /// and every kind of alert sink with its own keys.</summary>
    [Fact]
    public void Shipped_and_documented_settings_are_accepted()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepoPaths.Root, "src", "Gateway", "appsettings.json"))
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["NeuralSec:Server:GrpcPort"] = "8001",
                ["NeuralSec:Server:ShutdownDrainDelay"] = "00:00:05",
                ["NeuralSec:Backend"] = "upstream",
                ["NeuralSec:Upstream:Address"] = "http://127.0.0.1:9001",
                ["NeuralSec:Identity:ApiKeysFile"] = "/etc/neuralsec/keys.yaml",
                ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
                ["NeuralSec:Alerts:Sinks:0:Type"] = "JsonLines",
                ["NeuralSec:Alerts:Sinks:1:Type"] = "Webhook",
                ["NeuralSec:Alerts:Sinks:1:Url"] = "https://siem.example/",
                ["NeuralSec:Alerts:Sinks:1:SpoolDirectory"] = "/var/spool/neuralsec",
                ["NeuralSec:Alerts:Sinks:2:Type"] = "syslog",
                ["NeuralSec:Alerts:Sinks:2:Host"] = "127.0.0.1",
            })
            .Build();

        Assert.Empty(ConfigurationCheck.Check(configuration));
    }

    [Fact]
    public void Start_up_reports_key_errors_through_the_options_exception()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["NeuralSec:Backend"] = "Upsteam" }).Build();

        var ex = Assert.Throws<OptionsValidationException>(() => GatewayApplication.BindAndValidate(configuration));
        Assert.Contains("'Upsteam' is not one of OnnxRuntime, Upstream", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    private static List<string> Errors(Dictionary<string, string?> settings) =>
        ConfigurationCheck.Check(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
}
