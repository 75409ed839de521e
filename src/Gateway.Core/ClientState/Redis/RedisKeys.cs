using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace NeuralSec.Gateway.ClientState.Redis;

/// <summary>
/// Every key the Redis stores use, bounded in length whatever the caller sends: a short printable part (letters,
/// digits, <c>. _ - @</c>, at most <see cref="MaxReadable"/> characters) is kept as it is, so an operator can find a
/// client's keys; anything else becomes <c>~</c> and 32 hex digits of its SHA-256, which no readable part can equal.
/// A client's keys share a hash tag (<c>{scope:client}</c>), a scope's near-duplicate index another
/// (<c>{scope}</c>), so each script touches one Redis Cluster slot.
/// <list type="bullet">
/// <item><c>{prefix}cs:{scope:client}:blocked|degraded|throttled</c>: a sanction, alive while its key is (PX = cooldown).</item>
/// <item><c>{prefix}cs:{scope:client}:bucket</c>: hash <c>t</c> (tokens), <c>u</c> (Redis time of the last spend); expires once refilled.</item>
/// <item><c>{prefix}h:{scope:client}:codec</c>: hash <c>v</c> (version), <c>d</c> (the codec's bytes); expires when idle.</item>
/// <item><c>{prefix}h:{scope:client}:codec:parts</c>, <c>:log</c>: a state kept in parts (see
/// <see cref="RedisClientHistoryStore"/>): hash <c>v</c> (version), <c>s</c> (shared part), <c>l</c> (whether the next
/// update reads the log), <c>c:N</c> (part N); list of the log's records, oldest first. Both expire when idle.</item>
/// <item><c>{prefix}nd:{scope}:seq</c>, <c>:ring</c>, <c>:h:hash</c>: the near-duplicate index (see <see cref="RedisNearDuplicateStore"/>).</item>
/// </list>
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    /// <summary>Longest part kept readable.</summary>
    public const int MaxReadable = 64;

    /// <summary>Longest key any store makes (prefix ≤ 64, three parts ≤ 64 each, separators and suffix).</summary>
    public const int MaxLength = 64 + 4 + (3 * MaxReadable) + 16;

    public string Prefix { get; } = prefix;

    public RedisKey Sanction(ClientKey key, ClientSanctions sanction) => Client(key, sanction switch
    {
        ClientSanctions.Blocked => "blocked",
        ClientSanctions.Degraded => "degraded",
        ClientSanctions.Throttled => "throttled",
        _ => throw new ArgumentOutOfRangeException(nameof(sanction), sanction, "one sanction at a time"),
    });

    public RedisKey Bucket(ClientKey key) => Client(key, "bucket");

    public RedisKey History(ClientKey key, string codec) => $"{Prefix}h:{{{Part(key.Scope)}:{Part(key.ClientId)}}}:{Part(codec)}";

    /// <summary>A state kept in parts: its own key, not <see cref="History"/>'s, so a replica still writing the whole form
    /// during a rolling upgrade never meets parts it cannot read (a codec's part has no colon, so no name collides).</summary>
    public RedisKey HistoryParts(ClientKey key, string codec) => $"{History(key, codec)}:parts";

    /// <summary>The log of a state kept in parts (same hash tag: one slot with its parts).</summary>
    public RedisKey HistoryLog(ClientKey key, string codec) => $"{History(key, codec)}:log";

    /// <summary>The near-duplicate index's keys of a scope start with this (then <c>seq</c>, <c>ring</c>, <c>h:…</c>).</summary>
    public string NearDuplicate(string scope) => $"{Prefix}nd:{{{Part(scope)}}}:";

    /// <summary>A key part: itself when short and printable, else <c>~</c> + 32 hex digits of its SHA-256.</summary>
    public static string Part(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length is > 0 and <= MaxReadable && value.All(IsReadable))
        {
            return value;
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(value), digest);
        return string.Create(33, digest[..16].ToArray(), static (chars, bytes) =>
        {
            chars[0] = '~';
            Convert.TryToHexStringLower(bytes, chars[1..], out _);
        });
    }

    private RedisKey Client(ClientKey key, string suffix) => $"{Prefix}cs:{{{Part(key.Scope)}:{Part(key.ClientId)}}}:{suffix}";

    private static bool IsReadable(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@';
}
