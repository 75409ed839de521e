using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using NeuralSec.Detectors.Stream;
using NeuralSec.Gateway.Metrics;
using StackExchange.Redis;

namespace NeuralSec.Gateway.ClientState.Redis;

/// <summary>
/// The <see cref="INearDuplicateStore"/> all replicas share (Blacklight's account-oblivious index), one Lua script per
/// query, so a query is matched against every replica's earlier ones and added atomically. Per scope:
/// <list type="bullet">
/// <item><c>…nd:{scope}:seq</c>: the counter numbering entries (the query's id).</item>
/// <item><c>…nd:{scope}:ring</c>: a hash of at most <see cref="RedisOptions.NearDuplicateCapacity"/> slots, slot
/// <c>id mod capacity</c> = <c>"id time-ms hash,hash,… reference"</c>: adding an entry overwrites the oldest, whose
/// postings are removed with it, so the index never holds more than capacity entries, nor more than capacity × S
/// postings.</item>
/// <item><c>…nd:{scope}:h:hash</c>: a list of the ids of the newest entries holding that hash (LPUSH, LTRIM to
/// <see cref="RedisOptions.MaxPostingsPerHash"/>).</item>
/// </list>
/// Every key expires <see cref="RedisOptions.NearDuplicateRetention"/> after its last write, and an entry older than
/// that (on Redis's clock) is never matched. A match counts, per earlier id, how many of the query's hashes list it
/// (each entry holds a hash once, so the count is the shared-hash count) and keeps those still in the ring.
/// </summary>
internal sealed class RedisNearDuplicateStore(RedisConnection connection) : INearDuplicateStore
{
    /// <summary>Most evidence one match may ask for (as the in-memory index).</summary>
    public const int MaxEvidence = 100;

    /// <summary>Longest request or client id kept as evidence (client ids are refused past 256 characters anyway).</summary>
    private const int MaxIdLength = 512;

    /// <summary>KEYS: seq, ring, the exact-content marker, then the postings of each hash. ARGV: capacity, max
    /// postings, retention (ms), evidence, the new entry's reference, the postings key prefix, the content marker's
    /// value (<c>1</c>, or the reference when the sender is degraded), then each hash (hex, as in KEYS).
    /// Returns {-1, 0, marker} for an exact repeat (the content marker existed: nothing matched or added), else
    /// {best shared count, 1 if an entry was evicted for capacity, then per evidence: shared count, reference}.</summary>
    internal const string MatchAndAddScript = """
        local capacity = tonumber(ARGV[1])
        local maxp = tonumber(ARGV[2])
        local retention = tonumber(ARGV[3])
        local evidence = tonumber(ARGV[4])
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local marker = redis.call('GET', KEYS[3])
        if marker then
          redis.call('PEXPIRE', KEYS[3], retention)
          return {'-1', 0, marker}
        end
        redis.call('SET', KEYS[3], ARGV[7], 'PX', retention)
        local seq = redis.call('INCR', KEYS[1])
        local oldest = seq - capacity
        local counts = {}
        local candidates = {}
        for i = 4, #KEYS do
          local list = redis.call('LRANGE', KEYS[i], 0, maxp - 1)
          for _, s in ipairs(list) do
            local n = tonumber(s)
            if n >= oldest and n < seq then
              local c = counts[n]
              if c == nil then
                candidates[#candidates + 1] = n
                counts[n] = 1
              else
                counts[n] = c + 1
              end
            end
          end
        end
        table.sort(candidates, function(a, b)
          if counts[a] ~= counts[b] then return counts[a] > counts[b] end
          return a > b
        end)
        local best = 0
        local found = {}
        for _, n in ipairs(candidates) do
          if best > 0 and #found >= evidence * 2 then break end
          local entry = redis.call('HGET', KEYS[2], tostring(n % capacity))
          if entry then
            local s1 = string.find(entry, ' ', 1, true)
            local s2 = string.find(entry, ' ', s1 + 1, true)
            local s3 = string.find(entry, ' ', s2 + 1, true)
            if tonumber(string.sub(entry, 1, s1 - 1)) == n and tonumber(string.sub(entry, s1 + 1, s2 - 1)) > now - retention then
              if best == 0 then best = counts[n] end
              if #found < evidence * 2 then
                found[#found + 1] = tostring(counts[n])
                found[#found + 1] = string.sub(entry, s3 + 1)
              end
            end
          end
        end
        local slot = tostring(seq % capacity)
        local evicted = 0
        local old = redis.call('HGET', KEYS[2], slot)
        if old then
          local s1 = string.find(old, ' ', 1, true)
          local s2 = string.find(old, ' ', s1 + 1, true)
          local s3 = string.find(old, ' ', s2 + 1, true)
          local oseq = string.sub(old, 1, s1 - 1)
          if tonumber(string.sub(old, s1 + 1, s2 - 1)) > now - retention then evicted = 1 end
          for h in string.gmatch(string.sub(old, s2 + 1, s3 - 1), '[^,]+') do
            redis.call('LREM', ARGV[6] .. h, 0, oseq)
          end
        end
        local hashes = {}
        for i = 4, #KEYS do
          redis.call('LPUSH', KEYS[i], seq)
          redis.call('LTRIM', KEYS[i], 0, maxp - 1)
          redis.call('PEXPIRE', KEYS[i], retention)
          hashes[#hashes + 1] = ARGV[i + 4]
        end
        redis.call('HSET', KEYS[2], slot, seq .. ' ' .. string.format('%d', now) .. ' ' .. table.concat(hashes, ',') .. ' ' .. ARGV[5])
        redis.call('PEXPIRE', KEYS[2], retention)
        redis.call('PEXPIRE', KEYS[1], retention * 2)
        local reply = {tostring(best), evicted}
        for _, v in ipairs(found) do reply[#reply + 1] = v end
        return reply
        """;

    /// <summary>KEYS: the exact-content marker. ARGV: the degraded send's reference. Rewrites a marker that exists,
    /// keeping its expiry.</summary>
    internal const string MarkDegradedScript = """
        if redis.call('EXISTS', KEYS[1]) == 1 then
          redis.call('SET', KEYS[1], ARGV[1], 'KEEPTTL')
        end
        return 0
        """;

    /// <summary>The content marker of an image whose sender was not degraded (shorter than any reference).</summary>
    private static readonly RedisValue UndegradedMarker = "1";

    private readonly RedisKeys _keys = connection.Keys;
    private readonly RedisValue _capacity = connection.Options.NearDuplicateCapacity;
    private readonly RedisValue _maxPostings = connection.Options.MaxPostingsPerHash;
    private readonly RedisValue _retention = (long)Math.Ceiling(connection.Options.NearDuplicateRetention.TotalMilliseconds);

    public async ValueTask<NearDuplicateLookup> MatchAndAddAsync(string scope, QueryFingerprint fingerprint, ulong contentHash, QueryReference query, int evidence, TimeSpan retention, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(fingerprint);
        ArgumentOutOfRangeException.ThrowIfNegative(evidence);
        evidence = Math.Min(evidence, MaxEvidence);
        var prefix = _keys.NearDuplicate(scope);
        var hashes = fingerprint.Hashes.Span;
        var keys = new RedisKey[3 + hashes.Length];
        var values = new RedisValue[7 + hashes.Length];
        keys[0] = prefix + "seq";
        keys[1] = prefix + "ring";
        keys[2] = ContentKey(prefix, contentHash);
        values[0] = _capacity;
        values[1] = _maxPostings;
        values[2] = retention > TimeSpan.Zero ? (long)Math.Ceiling(retention.TotalMilliseconds) : _retention;
        values[3] = evidence;
        var encoded = Encode(query);
        values[4] = encoded;
        values[5] = prefix + "h:";
        values[6] = query.FromDegradedClient ? encoded : UndegradedMarker;
        for (var i = 0; i < hashes.Length; i++)
        {
            var hex = hashes[i].ToString("x16", CultureInfo.InvariantCulture);
            keys[3 + i] = prefix + "h:" + hex;
            values[7 + i] = hex;
        }

        var reply = await connection.EvaluateAsync("near_duplicate", MatchAndAddScript, keys, values, cancellationToken).ConfigureAwait(false);
        if ((string)reply[0]! == "-1")
        {
            // A marker set by an older replica holds '1' as well: no degraded sender on record.
            return NearDuplicateLookup.RepeatOf(reply.Length > 2 ? Decode((byte[]?)reply[2]) : null);
        }

        if ((int)reply[1] == 1)
        {
            GatewayMetrics.ClientStateEvictions.WithLabels("near_duplicate").Inc();
        }

        var best = int.Parse((string)reply[0]!, CultureInfo.InvariantCulture);
        var earlier = new List<QueryReference>((reply.Length - 2) / 2);
        var shared = new List<int>(earlier.Capacity);
        for (var i = 3; i < reply.Length; i += 2)
        {
            if (Decode((byte[]?)reply[i]) is { } reference)
            {
                earlier.Add(reference);
                shared.Add(int.Parse((string)reply[i - 1]!, CultureInfo.InvariantCulture));
            }
        }

        return new NearDuplicateLookup(false, best == 0 ? new NearDuplicateMatch(0, []) : new NearDuplicateMatch(best, earlier, shared));
    }

    public async ValueTask MarkDegradedAsync(string scope, ulong contentHash, QueryReference query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        await connection.EvaluateAsync("near_duplicate_mark", MarkDegradedScript, [ContentKey(_keys.NearDuplicate(scope), contentHash)], [Encode(query)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The exact-content marker of an image in the scope whose keys start with <paramref name="prefix"/>.</summary>
    private static RedisKey ContentKey(string prefix, ulong contentHash) => prefix + "c:" + contentHash.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Deletes nothing: every key expires by itself, and another replica may still serve a policy this one
    /// retired during a rolling update (as <see cref="RedisClientStateStore.RetainScopes"/>).</summary>
    public void RetainScopes(IReadOnlySet<string> liveScopes) => ArgumentNullException.ThrowIfNull(liveScopes);

    /// <summary>Marks, in the request id's length, a reference whose sender was degraded (an older replica reads such a
    /// reference as malformed and leaves it out of its evidence).</summary>
    private const int DegradedFlag = 0x4000_0000;

    /// <summary>UTC ticks, offset minutes, request id length (with <see cref="DegradedFlag"/>), request id, client id
    /// (UTF-8): opaque to the script.</summary>
    internal static byte[] Encode(QueryReference query)
    {
        var requestId = Encoding.UTF8.GetBytes(Clip(query.RequestId ?? string.Empty));
        var clientId = Encoding.UTF8.GetBytes(Clip(query.ClientId ?? string.Empty));
        var bytes = new byte[14 + requestId.Length + clientId.Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, query.Time.UtcTicks);
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(8), (short)query.Time.Offset.TotalMinutes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(10), requestId.Length | (query.FromDegradedClient ? DegradedFlag : 0));
        requestId.CopyTo(bytes, 14);
        clientId.CopyTo(bytes, 14 + requestId.Length);
        return bytes;
    }

    internal static QueryReference? Decode(byte[]? bytes)
    {
        if (bytes is null || bytes.Length < 14)
        {
            return null;
        }

        var ticks = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        var offset = TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(8)));
        var field = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(10));
        var length = field & ~DegradedFlag;
        if (length < 0 || length > bytes.Length - 14 || ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks || Math.Abs(offset.TotalHours) > 14)
        {
            return null;
        }

        var time = new DateTimeOffset(new DateTime(ticks, DateTimeKind.Utc)).ToOffset(offset);
        return new QueryReference(Encoding.UTF8.GetString(bytes, 14, length), Encoding.UTF8.GetString(bytes, 14 + length, bytes.Length - 14 - length), time)
        {
            FromDegradedClient = (field & DegradedFlag) != 0,
        };
    }

    private static string Clip(string id) => id.Length <= MaxIdLength ? id : id[..MaxIdLength];
}
