using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NeuralSec.Gateway.Alerts;

/// <summary>The one way to plug the SOC alert pipeline into the host.</summary>
internal static class AlertServiceCollectionExtensions
{
    /// <summary>Binds <c>NeuralSec:Alerts</c> (validated at start-up, every error at once) and registers
    /// <see cref="AlertDispatcher"/> as the <see cref="IAlertPublisher"/> and as a hosted service that starts the sinks
    /// and drains them at shutdown.</summary>
    public static IServiceCollection AddAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AlertOptions>, AlertOptionsValidator>());
        var section = configuration.GetSection(AlertOptions.SectionName);
        services.AddOptions<AlertOptions>()
            .Bind(section)
            .PostConfigure(options => options.Sinks = AlertSinkTypes.BindAll(section.GetSection(nameof(AlertOptions.Sinks))))
            .ValidateOnStart();
        services.TryAddSingleton(sp => AlertDispatcher.Create(
            sp.GetRequiredService<IOptions<AlertOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));
        services.TryAddSingleton<IAlertPublisher>(sp => sp.GetRequiredService<AlertDispatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<AlertDispatcher>());
        return services;
    }
}
