using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NeuralSec.Gateway.Options;

namespace NeuralSec.Gateway.Backends.Upstream;

/// <summary>The one way to plug the upstream backend into the host.</summary>
internal static class UpstreamServiceCollectionExtensions
{
    /// <summary>Registers <see cref="UpstreamOipBackend"/> as the <see cref="IModelBackend"/>, built from the
    /// validated <c>NeuralSec:Upstream</c> options, and its readiness poller as a hosted service.</summary>
    public static IServiceCollection AddUpstreamBackend(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new UpstreamOipBackend(
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value.Upstream,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IModelBackend>(sp => sp.GetRequiredService<UpstreamOipBackend>());
        services.AddSingleton<IModelRepository>(sp => sp.GetRequiredService<UpstreamOipBackend>());
        services.AddHostedService(sp => sp.GetRequiredService<UpstreamOipBackend>().Readiness);
        return services;
    }
}
