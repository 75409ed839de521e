using Microsoft.Extensions.Logging.Abstractions;
using NeuralSec.Gateway.Alerts;
using NeuralSec.Gateway.ClientState.Redis;
using NeuralSec.Gateway.Tests.Infrastructure;
using StackExchange.Redis;

namespace NeuralSec.Gateway.Tests.ClientState.Redis;

/// <summary>Connections to a test's real Redis as a replica would make them (each call is one replica), and a
/// plain client to look at what the stores left there.</summary>
internal static class RedisStores
{
    /// <summary>Generous: a loaded CI machine must not turn a slow answer into an outage. Outage tests kill or
    /// freeze the server instead.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The settings of a real sidecar (<see cref="Infrastructure.GatewayServer"/>) whose client state lives in
    /// <paramref name="server"/>, under the policies of <paramref name="policies"/>: start two with them for two replicas.</summary>
    public static Dictionary<string, string?> SidecarSettings(RedisServer server, string policies) => new()
    {
        ["NeuralSec:Policies:Directory"] = policies,
        ["NeuralSec:Redis:Configuration"] = server.Configuration,
        ["NeuralSec:Redis:OperationTimeout"] = Timeout.ToString(),
    };

    public static RedisOptions Options(RedisServer server, Action<RedisOptions>? configure = null)
    {
        var options = new RedisOptions { Configuration = server.Configuration, OperationTimeout = Timeout };
        configure?.Invoke(options);
        return options;
    }

    public static RedisConnection Connect(RedisServer server, Action<RedisOptions>? configure = null, IAlertPublisher? alerts = null)
    {
        var options = Options(server, configure);
        return new RedisConnection(options, new RedisHealth(server.Configuration, alerts, TimeProvider.System, NullLogger.Instance), TimeProvider.System);
    }

    /// <summary>Every key under <paramref name="prefix"/> (SCAN), with its remaining lifetime.</summary>
    public static async Task<IReadOnlyList<(string Key, TimeSpan? Ttl)>> KeysAsync(RedisServer server, string prefix)
    {
        await using var inspector = await ConnectionMultiplexer.ConnectAsync(server.Configuration);
        var keys = new List<(string, TimeSpan?)>();
        var database = inspector.GetDatabase();
        await foreach (var key in inspector.GetServer(server.Configuration).KeysAsync(pattern: prefix + "*", pageSize: 1000))
        {
            keys.Add((key!, await database.KeyTimeToLiveAsync(key)));
        }

        return keys;
    }

    /// <summary>Runs a command on the server directly (to damage a stored value, read a list's length).</summary>
    public static async Task<RedisResult> ExecuteAsync(RedisServer server, string command, params object[] arguments)
    {
        await using var inspector = await ConnectionMultiplexer.ConnectAsync(server.Configuration);
        return await inspector.GetDatabase().ExecuteAsync(command, arguments);
    }
}
