using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Policy;
using NeuralSec.Gateway.Policy.Runtime;
using NeuralSec.Policy.Tests;
using NeuralSec.Policy.Validation;

namespace NeuralSec.Gateway.Tests.Policy;

/// <summary>The composition the lead calls: options bound and validated at start, first load at host start.</summary>
public sealed class AddPoliciesTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("neuralsec-add-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task HostStart_LoadsThePolicies()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "p.yaml"), PolicyYaml.Minimal);
        using var host = Build(new() { ["NeuralSec:Policies:Directory"] = _folder.FullName, ["NeuralSec:Policies:PollInterval"] = "00:00:05" });

        await host.StartAsync();
        try
        {
            var provider = host.Services.GetRequiredService<IPolicyProvider>();
            Assert.Same(host.Services.GetRequiredService<PolicyStore>(), provider);
            Assert.Equal(1, provider.Current.Generation);
            Assert.Equal("mnist-default", provider.Current.Select("mnist", null)?.Name);
            Assert.Equal(TimeSpan.FromSeconds(5), host.Services.GetRequiredService<IOptions<PolicyOptions>>().Value.PollInterval);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task HostStart_FailsOnInvalidPolicies()
    {
        File.WriteAllText(Path.Combine(_folder.FullName, "p.yaml"), PolicyYaml.Minimal + "  mdoe: x\n");
        using var host = Build(new() { ["NeuralSec:Policies:Directory"] = _folder.FullName });

        var error = await Assert.ThrowsAsync<PolicyValidationException>(() => host.StartAsync());

        Assert.Contains("unknown key 'mdoe' in spec", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostStart_FailsOnBadOptions()
    {
        using var host = Build(new() { ["NeuralSec:Policies:Directory"] = Path.Combine(_folder.FullName, "missing"), ["NeuralSec:Policies:PollInterval"] = "00:00:00" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(2, error.Failures.Count());
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.Services.AddPolicies(builder.Configuration);
        return builder.Build();
    }
}
