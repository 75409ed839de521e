using System.Buffers;
using NeuralSec.Gateway.Metrics;
using StackExchange.Redis;

namespace NeuralSec.Gateway.ClientState.Redis;

/// <summary>
/// The <see cref="IClientHistoryStore"/> all replicas share: one hash per client, scope and codec holding the codec's
/// bytes and a version. An update reads both, runs the detector's update on the decoded state (damaged bytes: the
/// client starts afresh), and writes back only if the version is still the one it read (a Lua compare-and-set);
/// when another replica won the race the script answers with what that replica wrote, and the update runs again on
/// it, at most <see cref="RedisOptions.HistoryUpdateAttempts"/> times. Bounded: a history larger than
/// <see cref="RedisOptions.MaxHistoryBytes"/> is dropped, and every write renews the key's idle expiry (the
/// detector's, capped by <see cref="RedisOptions.MaxIdleExpiry"/>). <see cref="RetainScopes"/> deletes nothing, for
/// the reasons <see cref="RedisClientStateStore"/> gives: idle expiry forgets a deleted policy's histories. A state kept
/// in parts (<see cref="UpdatePartAsync"/>) moves only the parts an update touches: <see cref="RedisHistoryParts"/>.
/// </summary>
internal sealed class RedisClientHistoryStore(RedisConnection connection) : IClientHistoryStore
{
    /// <summary>KEYS: the history. Returns {version or '', bytes or ''}.</summary>
    internal const string ReadScript = """
        local h = redis.call('HMGET', KEYS[1], 'v', 'd')
        return {h[1] or '', h[2] or ''}
        """;

    /// <summary>KEYS: the history. ARGV: expected version ('' for none), new version, bytes, idle expiry (ms; 0:
    /// delete). Returns {1} when written, else {0, current version, current bytes}.</summary>
    internal const string CompareAndSetScript = """
        local h = redis.call('HMGET', KEYS[1], 'v', 'd')
        if (h[1] or '') ~= ARGV[1] then return {0, h[1] or '', h[2] or ''} end
        if ARGV[4] == '0' then
          redis.call('DEL', KEYS[1])
        else
          redis.call('HSET', KEYS[1], 'v', ARGV[2], 'd', ARGV[3])
          redis.call('PEXPIRE', KEYS[1], ARGV[4])
        end
        return {1}
        """;

    private readonly RedisHistoryParts _parts = new(connection);
    private readonly RedisKeys _keys = connection.Keys;
    private readonly int _maxBytes = connection.Options.MaxHistoryBytes;
    private readonly int _attempts = connection.Options.HistoryUpdateAttempts;
    private readonly TimeSpan _maxIdle = connection.Options.MaxIdleExpiry;

    public async ValueTask<TResult> UpdateAsync<TState, TResult>(ClientKey key, IClientStateCodec<TState> codec, Func<TState, TResult> update, TimeSpan idleExpiry, CancellationToken cancellationToken)
        where TState : class
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(update);
        var redisKey = _keys.History(key, codec.Name);
        var expiry = (long)Math.Ceiling(Math.Clamp(idleExpiry.TotalMilliseconds, 1, _maxIdle.TotalMilliseconds));
        var read = await connection.EvaluateAsync("history", ReadScript, [redisKey], [], cancellationToken).ConfigureAwait(false);
        var version = (string?)read[0] ?? string.Empty;
        var data = (byte[]?)read[1] ?? [];
        var output = new ArrayBufferWriter<byte>();
        for (var attempt = 1; ; attempt++)
        {
            var state = Decode(codec, data);
            var result = update(state);
            output.ResetWrittenCount();
            codec.Write(state, output);
            var oversize = output.WrittenCount > _maxBytes;
            RedisValue[] values =
            [
                version, Guid.NewGuid().ToString("n"), oversize ? RedisValue.EmptyString : output.WrittenMemory, oversize ? 0 : expiry,
            ];
            var written = await connection.EvaluateAsync("history", CompareAndSetScript, [redisKey], values, cancellationToken).ConfigureAwait(false);
            if ((int)written[0] == 1)
            {
                if (oversize)
                {
                    GatewayMetrics.ClientStateEvictions.WithLabels("history_oversize").Inc();
                }

                return result;
            }

            if (attempt >= _attempts)
            {
                throw new ClientStateUnavailableException($"another replica kept updating this client's {codec.Name} history ({attempt} attempts)");
            }

            version = (string?)written[1] ?? string.Empty;
            data = (byte[]?)written[2] ?? [];
        }
    }

    public ValueTask<TResult> UpdatePartAsync<TState, TResult>(ClientKey key, IPartitionedClientStateCodec<TState> codec, int part, Func<TState, TResult> update, TimeSpan idleExpiry, CancellationToken cancellationToken)
        where TState : class => _parts.UpdateAsync(key, codec, part, update, idleExpiry, cancellationToken);

    /// <summary>Deletes nothing: see the type's remarks.</summary>
    public void RetainScopes(IReadOnlySet<string> liveScopes) => ArgumentNullException.ThrowIfNull(liveScopes);

    private static TState Decode<TState>(IClientStateCodec<TState> codec, byte[] data)
        where TState : class
    {
        if (data.Length == 0)
        {
            return codec.Create();
        }

        try
        {
            return codec.Read(data);
        }
        catch (FormatException)
        {
            // Damaged or written by an incompatible version: the client starts afresh, which errs in its favour.
            return codec.Create();
        }
    }
}
