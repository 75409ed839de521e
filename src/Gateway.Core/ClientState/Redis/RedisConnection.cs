using System.Diagnostics.CodeAnalysis;
using StackExchange.Redis;

namespace NeuralSec.Gateway.ClientState.Redis;

/// <summary>
/// The one connection to Redis the stores share, and the one way they call it: every script run is bounded by
/// <see cref="RedisOptions.OperationTimeout"/>, and a timeout, a lost connection or a server error becomes a
/// <see cref="ClientStateUnavailableException"/> (the stage applies the policy's onError rule) and is reported to
/// <see cref="RedisHealth"/> (while the first connection is still being made, only counted: that connection's outcome
/// says whether Redis is down). The connection starts in the background and never fails start-up: the sidecar serves
/// (under its policies' onError rules) while Redis is down, and StackExchange.Redis reconnects by itself.
/// </summary>
internal sealed class RedisConnection : IAsyncDisposable
{
    private readonly Task<ConnectionMultiplexer> _connecting;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    public RedisConnection(RedisOptions options, RedisHealth health, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Health = health;
        Keys = new RedisKeys(options.KeyPrefix);
        _timeout = options.OperationTimeout;
        _time = time;
        _connecting = ConnectAsync(Configure(options), health);
    }

    public RedisOptions Options { get; }

    public RedisKeys Keys { get; }

    public RedisHealth Health { get; }

    /// <summary>The StackExchange.Redis settings: no start-up failure while Redis is down, no queueing while it is
    /// disconnected (fail fast, the policy decides), reconnection backing off to at most a few seconds.</summary>
    public static ConfigurationOptions Configure(RedisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var configuration = ConfigurationOptions.Parse(options.Configuration!);
        configuration.AbortOnConnectFail = false;
        configuration.BacklogPolicy = BacklogPolicy.FailFast;
        configuration.ConnectTimeout = (int)Math.Ceiling(options.ConnectTimeout.TotalMilliseconds);
        configuration.AsyncTimeout = (int)Math.Ceiling(options.OperationTimeout.TotalMilliseconds);
        configuration.SyncTimeout = configuration.AsyncTimeout;
        configuration.ReconnectRetryPolicy = new ExponentialRetry(250, 5_000);
        configuration.ClientName ??= "neuralsec";
        return configuration;
    }

    /// <summary>The endpoints, for logs and alerts (never the password).</summary>
    public static string Describe(RedisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var endpoints = ConfigurationOptions.Parse(options.Configuration!).EndPoints;
        return string.Join(",", endpoints.Select(e => e switch
        {
            System.Net.DnsEndPoint dns => $"{dns.Host}:{dns.Port}",
            _ => e.ToString(),
        }));
    }

    /// <summary>Runs a Lua script (EVALSHA, loaded again by the client after a Redis restart), bounded by the
    /// operation timeout and the caller's token.</summary>
    public async Task<RedisResult> EvaluateAsync(string operation, string script, RedisKey[] keys, RedisValue[] values, CancellationToken cancellationToken)
    {
        var call = RunAsync(script, keys, values);
        try
        {
            var result = await call.WaitAsync(_timeout, _time, cancellationToken).ConfigureAwait(false);
            Health.Succeeded();
            return result;
        }
        catch (Exception ex) when (Classify(ex) is { } reason)
        {
            // A call that outlived its timeout may still fail later: its fault is observed here, not left to the finalizer.
            _ = call.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            if (_connecting.IsCompleted)
            {
                Health.Failed(operation, reason, ex);
            }
            else
            {
                // The first connection is still being made (a slow start, a busy node): its own outcome says whether
                // Redis is down, so a call that outran it is counted but raises no outage.
                RedisHealth.FailedWhileConnecting(operation, reason);
            }

            throw new ClientStateUnavailableException($"the shared state store did not answer ({operation}: {reason})", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        ConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await _connecting.ConfigureAwait(false);
        }
        catch (RedisException)
        {
            return; // never connected: nothing to close
        }

        await multiplexer.DisposeAsync().ConfigureAwait(false);
    }

    private async Task<RedisResult> RunAsync(string script, RedisKey[] keys, RedisValue[] values)
    {
        var multiplexer = await _connecting.ConfigureAwait(false);
        return await multiplexer.GetDatabase().ScriptEvaluateAsync(script, keys, values).ConfigureAwait(false);
    }

    private static string? Classify(Exception exception) => exception switch
    {
        TimeoutException => "timeout",
        RedisConnectionException => "connection",
        RedisServerException => "server",
        RedisException => "connection",
        _ => null,
    };

    [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The multiplexer is disposed with this connection.")]
    private static async Task<ConnectionMultiplexer> ConnectAsync(ConfigurationOptions configuration, RedisHealth health)
    {
        ConnectionMultiplexer multiplexer;
        try
        {
            multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not RedisException)
        {
            // Not expected with AbortOnConnectFail off; should it happen, every call says unavailable, not 500.
            health.Failed("connect", "connection", ex);
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, ex.Message, ex);
        }

        multiplexer.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                health.Failed("connect", "connection", e.Exception);
            }
        };
        multiplexer.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                health.Succeeded();
            }
        };
        if (multiplexer.IsConnected)
        {
            health.Succeeded();
        }
        else
        {
            health.Failed("connect", "connection", null);
        }

        return multiplexer;
    }
}
