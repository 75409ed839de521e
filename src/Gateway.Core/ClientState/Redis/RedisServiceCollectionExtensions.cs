using NeuralSec.Gateway.Alerts;

namespace NeuralSec.Gateway.ClientState.Redis;

/// <summary>The one way to put the client state in Redis: the three stores on one shared connection.</summary>
internal static class RedisServiceCollectionExtensions
{
    public static IServiceCollection AddRedisClientState(this IServiceCollection services, RedisOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>();
            var logger = sp.GetRequiredService<ILogger<RedisConnection>>();
            var endpoints = RedisConnection.Describe(options);
            RedisLog.Configured(logger, endpoints, options.KeyPrefix, options.OperationTimeout);
            return new RedisConnection(options, new RedisHealth(endpoints, sp.GetService<IAlertPublisher>(), time, logger), time);
        });
        services.AddSingleton<IClientStateStore, RedisClientStateStore>();
        services.AddSingleton<IClientHistoryStore, RedisClientHistoryStore>();
        services.AddSingleton<INearDuplicateStore, RedisNearDuplicateStore>();
        return services;
    }
}
