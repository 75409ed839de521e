using System.Buffers;
using NeuralSec.Gateway.Metrics;
using StackExchange.Redis;

namespace NeuralSec.Gateway.ClientState.Redis;

/// <summary>
/// <see cref="RedisClientHistoryStore.UpdatePartAsync"/>: a state kept in parts (<see cref="IPartitionedClientStateCodec{TState}"/>),
/// so a query moves what it touches instead of the whole state — for PRADA (MNIST) once its sets are full, ≈ 9.6 KB read
/// (one class's set, the counters, and a tenth of the ring: only the one query in evaluateEvery that tests reads it) and
/// ≈ 0.7 KB written (the counters, one distance, keys and arguments of both scripts) per query on the wire, instead of
/// ≈ 88 KB each way (RedisPartitionedHistoryTests measures it with Redis's own byte counters).
/// </summary>
/// <remarks>
/// Per client, scope and codec a hash (<see cref="RedisKeys.HistoryParts"/>) — <c>v</c> (version), <c>s</c> (the shared
/// part), <c>c:N</c> (part N), <c>l</c> (the last writer's word that the next update reads the log) — and the log as a list
/// beside it (<see cref="RedisKeys.HistoryLog"/>, the same slot). An update reads in one script <c>v</c>, <c>s</c>, its part
/// and, when <c>l</c> says so, the log; should the decoded state need the log after all (<c>l</c> missing or stale), it reads
/// again with it. It writes back under a compare-and-set on <c>v</c> the shared part, its part only when the update changed
/// it, and the log records it appended (the list trimmed to the codec's capacity), renewing both keys' expiry. A lost race
/// answers with what the winner wrote and the update runs again on that, at most
/// <see cref="RedisOptions.HistoryUpdateAttempts"/> times, as for a whole state. A client that starts afresh — nothing
/// stored, or any part damaged or of another version — replaces everything, so no part of an older state survives beside
/// a new one. <see cref="RedisOptions.MaxHistoryBytes"/> weighs the whole state
/// (<see cref="IPartitionedClientStateCodec{TState}.StoredBytes"/>), so it means what it means for a whole state — and no
/// field can exceed it. Why a list for the log rather than a field: appending one record is O(1) on the wire, where a
/// field would be re-sent whole (PRADA's ring: 6 KB) by every query.
/// </remarks>
internal sealed class RedisHistoryParts(RedisConnection connection)
{
    /// <summary>Reads a state in parts. KEYS: its hash, its log. ARGV: the part's field, '1' to read the log whatever
    /// <c>l</c> says. Returns {version or '', shared or '', part or '', 1 and the log's records | 0}.</summary>
    internal const string ReadScript = Fetch + """

        return fetch(ARGV[2] == '1')
        """;

    /// <summary>Writes a state in parts. KEYS: its hash, its log. ARGV: the part's field, expected version ('' for none),
    /// new version, idle expiry (ms; 0: delete), '1' to replace everything, shared part, '1' when the next update reads the
    /// log, the part ('' : unchanged), the log's capacity, then the records appended. Returns {1} when written, else {0,
    /// then what <see cref="ReadScript"/> returns}.</summary>
    internal const string CompareAndSetScript = Fetch + """

        if (redis.call('HGET', KEYS[1], 'v') or '') ~= ARGV[2] then
          local h = fetch(false)
          table.insert(h, 1, 0)
          return h
        end
        if ARGV[4] == '0' or ARGV[5] == '1' then redis.call('DEL', KEYS[1], KEYS[2]) end
        if ARGV[4] == '0' then return {1} end
        redis.call('HSET', KEYS[1], 'v', ARGV[3], 's', ARGV[6], 'l', ARGV[7])
        if ARGV[8] ~= '' then redis.call('HSET', KEYS[1], ARGV[1], ARGV[8]) end
        if #ARGV >= 10 then
          for i = 10, #ARGV, 1000 do
            redis.call('RPUSH', KEYS[2], unpack(ARGV, i, math.min(i + 999, #ARGV)))
          end
          redis.call('LTRIM', KEYS[2], -tonumber(ARGV[9]), -1)
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        return {1}
        """;

    /// <summary>The read both scripts share: v, s, the part (ARGV[1]) and, when asked or when <c>l</c> says so, the log.</summary>
    private const string Fetch = """
        local function fetch(log)
          local h = redis.call('HMGET', KEYS[1], 'v', 's', ARGV[1], 'l')
          if log or h[4] == '1' then
            return {h[1] or '', h[2] or '', h[3] or '', 1, redis.call('LRANGE', KEYS[2], 0, -1)}
          end
          return {h[1] or '', h[2] or '', h[3] or '', 0}
        end
        """;

    private readonly RedisKeys _keys = connection.Keys;
    private readonly int _maxBytes = connection.Options.MaxHistoryBytes;
    private readonly int _attempts = connection.Options.HistoryUpdateAttempts;
    private readonly TimeSpan _maxIdle = connection.Options.MaxIdleExpiry;

    public async ValueTask<TResult> UpdateAsync<TState, TResult>(ClientKey key, IPartitionedClientStateCodec<TState> codec, int part, Func<TState, TResult> update, TimeSpan idleExpiry, CancellationToken cancellationToken)
        where TState : class
    {
        ArgumentNullException.ThrowIfNull(codec);
        ArgumentNullException.ThrowIfNull(update);
        ArgumentOutOfRangeException.ThrowIfNegative(part);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(part, codec.PartCount);
        RedisKey[] keys = [_keys.HistoryParts(key, codec.Name), _keys.HistoryLog(key, codec.Name)];
        RedisValue field = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"c:{part}");
        var expiry = (long)Math.Ceiling(Math.Clamp(idleExpiry.TotalMilliseconds, 1, _maxIdle.TotalMilliseconds));
        var stored = await ReadAsync(keys, field, log: false, cancellationToken).ConfigureAwait(false);
        var output = new ArrayBufferWriter<byte>();
        for (var attempt = 1; ; attempt++)
        {
            if (Decode(codec, part, stored) is not var (state, fresh))
            {
                // The state needs its log and the last writer did not say so: read again, with it (always decodes).
                stored = await ReadAsync(keys, field, log: true, cancellationToken).ConfigureAwait(false);
                (state, fresh) = Decode(codec, part, stored)!.Value;
            }

            var result = update(state);
            var oversize = codec.StoredBytes(state) > _maxBytes;
            var values = oversize
                ? [field, stored.Version, RedisValue.EmptyString, 0, "1", RedisValue.EmptyString, "0", RedisValue.EmptyString, codec.LogCapacity]
                : Values(codec, state, part, field, stored.Version, expiry, fresh, output);
            var written = await connection.EvaluateAsync("history", CompareAndSetScript, keys, values, cancellationToken).ConfigureAwait(false);
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

            stored = Stored.From(written, 1);
        }
    }

    /// <summary>The state an update runs on: afresh (replacing everything stored) when nothing is stored or any part is
    /// damaged; null when it needs its log and <paramref name="stored"/> has none.</summary>
    private static (TState State, bool Fresh)? Decode<TState>(IPartitionedClientStateCodec<TState> codec, int part, Stored stored)
        where TState : class
    {
        if (stored.Shared.Length == 0)
        {
            return (codec.Create(), true);
        }

        try
        {
            var state = codec.ReadShared(stored.Shared);
            codec.ReadPart(state, part, stored.Part);
            if (codec.NeedsLog(state))
            {
                if (stored.Log is null)
                {
                    return null;
                }

                codec.ReadLog(state, stored.Log);
            }

            return (state, false);
        }
        catch (FormatException)
        {
            // Damaged or written by an incompatible version: the client starts afresh, which errs in its favour.
            return (codec.Create(), true);
        }
    }

    /// <summary>The compare-and-set's arguments: the shared part always, the part when the update changed it (a fresh
    /// state's one part is new, so changed), the records appended.</summary>
    private static RedisValue[] Values<TState>(IPartitionedClientStateCodec<TState> codec, TState state, int part, RedisValue field, string version, long expiry, bool fresh, ArrayBufferWriter<byte> output)
        where TState : class
    {
        output.ResetWrittenCount();
        codec.WriteShared(state, output);
        var sharedEnd = output.WrittenCount;
        if (codec.PartChanged(state, part))
        {
            codec.WritePart(state, part, output);
        }

        var partEnd = output.WrittenCount;
        var appended = codec.AppendedCount(state);
        var ends = new int[appended];
        for (var i = 0; i < appended; i++)
        {
            codec.WriteAppended(state, i, output);
            ends[i] = output.WrittenCount;
        }

        // Slices of one buffer, taken once every write is done (a growing buffer moves).
        var bytes = output.WrittenMemory;
        var values = new RedisValue[9 + appended];
        values[0] = field;
        values[1] = version;
        values[2] = Guid.NewGuid().ToString("n");
        values[3] = expiry;
        values[4] = fresh ? "1" : "0";
        values[5] = bytes[..sharedEnd];
        values[6] = codec.NeedsLog(state) ? "1" : "0";
        values[7] = partEnd > sharedEnd ? bytes[sharedEnd..partEnd] : RedisValue.EmptyString;
        values[8] = codec.LogCapacity;
        for (var i = 0; i < appended; i++)
        {
            values[9 + i] = bytes[(i == 0 ? partEnd : ends[i - 1])..ends[i]];
        }

        return values;
    }

    private async Task<Stored> ReadAsync(RedisKey[] keys, RedisValue field, bool log, CancellationToken cancellationToken) =>
        Stored.From(await connection.EvaluateAsync("history", ReadScript, keys, [field, log ? "1" : "0"], cancellationToken).ConfigureAwait(false), 0);

    /// <summary>What a script read: the version, the shared part, the update's part (empty when absent) and the log (null
    /// when not read).</summary>
    private readonly record struct Stored(string Version, byte[] Shared, byte[] Part, IReadOnlyList<ReadOnlyMemory<byte>>? Log)
    {
        public static Stored From(RedisResult result, int at)
        {
            IReadOnlyList<ReadOnlyMemory<byte>>? log = null;
            if ((int)result[at + 3] == 1)
            {
                log = Array.ConvertAll((RedisResult[])result[at + 4]!, r => new ReadOnlyMemory<byte>((byte[]?)r ?? []));
            }

            return new Stored((string?)result[at] ?? string.Empty, (byte[]?)result[at + 1] ?? [], (byte[]?)result[at + 2] ?? [], log);
        }
    }
}
