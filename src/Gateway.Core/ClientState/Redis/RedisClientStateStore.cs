using System.Globalization;
using StackExchange.Redis;

namespace NeuralSec.Gateway.ClientState.Redis;

/// <summary>
/// The <see cref="IClientStateStore"/> all replicas share. One Lua script per admission reads the three sanction
/// keys and spends from the bucket atomically, on Redis's clock (<c>TIME</c>), so replicas agree on refills however
/// their own clocks drift; a sanction is a key that lives as long as its cooldown (PTTL is what remains), and a
/// bucket's key expires once it would have refilled (a missing bucket is a full one), so idle clients cost nothing.
/// <para>
/// <see cref="RetainScopes"/> deletes nothing, on purpose: every key carries its own expiry (cooldown, refill time),
/// so a deleted policy's state is gone within its longest cooldown; and during a rolling update another replica may
/// still serve that policy, so one replica's reload must not wipe state the others are using.
/// </para>
/// </summary>
internal sealed class RedisClientStateStore(RedisConnection connection) : IClientStateStore
{
    /// <summary>KEYS: blocked, degraded, throttled, bucket. ARGV: rate, burst, throttled rate, throttled burst
    /// (empty: no such bucket), longest bucket lifetime (ms). Returns {sanction flags, retry-after seconds or ''}.</summary>
    internal const string AdmitScript = """
        local blocked = redis.call('PTTL', KEYS[1])
        local sanctions = 0
        if blocked > 0 then sanctions = 4 end
        if redis.call('EXISTS', KEYS[2]) == 1 then sanctions = sanctions + 2 end
        local throttled = redis.call('EXISTS', KEYS[3]) == 1
        if throttled then sanctions = sanctions + 1 end
        if blocked > 0 then return {sanctions, tostring(blocked / 1000)} end
        local rate, burst = ARGV[1], ARGV[2]
        if throttled and ARGV[3] ~= '' then rate, burst = ARGV[3], ARGV[4] end
        if rate == '' then return {sanctions, ''} end
        rate = tonumber(rate)
        burst = tonumber(burst)
        local t = redis.call('TIME')
        local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
        local state = redis.call('HMGET', KEYS[4], 't', 'u')
        local tokens = tonumber(state[1])
        if tokens == nil then
          tokens = burst
        else
          local elapsed = now - (tonumber(state[2]) or now)
          if elapsed < 0 then elapsed = 0 end
          tokens = math.min(burst, tokens + elapsed * rate)
        end
        local retry = ''
        if tokens >= 1 then tokens = tokens - 1 else retry = string.format('%.17g', (1 - tokens) / rate) end
        redis.call('HSET', KEYS[4], 't', string.format('%.17g', tokens), 'u', string.format('%.17g', now))
        local ttl = math.min(math.ceil((burst - tokens) / rate * 1000) + 1000, tonumber(ARGV[5]))
        redis.call('PEXPIRE', KEYS[4], string.format('%d', ttl))
        return {sanctions, retry}
        """;

    /// <summary>KEYS: the sanction. ARGV: cooldown (ms). Extends, never shortens.</summary>
    internal const string ImposeScript = """
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
        return ttl
        """;

    private readonly RedisKeys _keys = connection.Keys;
    private readonly RedisValue _maxLifetime = (long)connection.Options.MaxIdleExpiry.TotalMilliseconds;

    public async ValueTask<ClientAdmission> AdmitAsync(ClientKey key, TokenBucket? bucket, TokenBucket? throttled, CancellationToken cancellationToken)
    {
        RedisKey[] keys =
        [
            _keys.Sanction(key, ClientSanctions.Blocked), _keys.Sanction(key, ClientSanctions.Degraded),
            _keys.Sanction(key, ClientSanctions.Throttled), _keys.Bucket(key),
        ];
        RedisValue[] values =
        [
            Rate(bucket), Burst(bucket), Rate(throttled), Burst(throttled), _maxLifetime,
        ];
        var result = await connection.EvaluateAsync("admit", AdmitScript, keys, values, cancellationToken).ConfigureAwait(false);
        var sanctions = (ClientSanctions)(int)result[0];
        var retry = (string?)result[1];
        return new ClientAdmission(
            string.IsNullOrEmpty(retry) ? null : TimeSpan.FromSeconds(double.Parse(retry, NumberStyles.Float, CultureInfo.InvariantCulture)),
            sanctions);
    }

    public async ValueTask ImposeAsync(ClientKey key, ClientSanctions sanction, TimeSpan duration, CancellationToken cancellationToken)
    {
        var sanctionKey = _keys.Sanction(key, sanction);
        var milliseconds = (long)Math.Ceiling(duration.TotalMilliseconds);
        if (milliseconds <= 0)
        {
            return;
        }

        await connection.EvaluateAsync("impose", ImposeScript, [sanctionKey], [milliseconds], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes nothing: see the type's remarks (every key expires by itself; other replicas may still use it).</summary>
    public void RetainScopes(IReadOnlySet<string> liveScopes) => ArgumentNullException.ThrowIfNull(liveScopes);

    private static RedisValue Rate(TokenBucket? bucket) =>
        bucket is { } b ? b.TokensPerSecond.ToString("R", CultureInfo.InvariantCulture) : RedisValue.EmptyString;

    private static RedisValue Burst(TokenBucket? bucket) => bucket is { } b ? b.Burst : RedisValue.EmptyString;
}
