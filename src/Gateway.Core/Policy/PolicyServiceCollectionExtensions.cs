using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.Policy.Runtime;
using NeuralSec.Policy.Validation;

namespace NeuralSec.Gateway.Policy;

/// <summary>The one way to add policies to the sidecar.</summary>
internal static class PolicyServiceCollectionExtensions
{
    /// <summary>The model repository key of the embedded backend: file references in policies are also looked up there.</summary>
    private const string ModelRepositoryKey = "NeuralSec:OnnxRuntime:ModelRepository";

    /// <summary>
    /// Registers <see cref="PolicyStore"/> (also as <see cref="IPolicyProvider"/>), the watcher that loads it at
    /// start-up and reloads it on change, and <see cref="PolicyOptions"/> from <c>NeuralSec:Policies</c>,
    /// validated at start. Alerts go to <see cref="IAlertPublisher"/> when one is registered.
    /// </summary>
    public static IServiceCollection AddPolicies(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PolicyOptions>().Bind(configuration.GetSection(PolicyOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PolicyOptions>>(sp => new PolicyOptionsValidator(ContentRoot(sp)));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var contentRoot = ContentRoot(sp);
            var options = sp.GetRequiredService<IOptions<PolicyOptions>>().Value;
            var repository = configuration[ModelRepositoryKey] is { Length: > 0 } path ? Path.GetFullPath(path, contentRoot) : null;
            return new PolicyStore(
                options.ResolveDirectory(contentRoot),
                new PolicyValidator(modelRepository: repository),
                new PolicyMetrics(),
                sp.GetService<IAlertPublisher>(),
                sp.GetRequiredService<ILogger<PolicyStore>>(),
                sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<IPolicyProvider>(sp => sp.GetRequiredService<PolicyStore>());
        services.AddHostedService<PolicyWatcher>();
        return services;
    }

    private static string ContentRoot(IServiceProvider services) =>
        services.GetService<IHostEnvironment>()?.ContentRootPath ?? AppContext.BaseDirectory;
}
