using System.ComponentModel.DataAnnotations;

namespace NeuralSec.Gateway.ClientState.Redis;

/// <summary>
/// <c>NeuralSec:Redis</c>: where the client state all replicas share lives. Without <see cref="Configuration"/> every
/// replica keeps its own state in memory (<c>NeuralSec:ClientState</c> bounds it); with it, budgets, sanctions,
/// stream-detector histories and the near-duplicate index are kept in Redis, so a client that spreads its queries over
/// replicas is limited and fingerprinted as one.
/// </summary>
internal sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary>A StackExchange.Redis configuration string (<c>host:6379,password=…,ssl=true</c>); null or empty: the
    /// in-memory stores. The sidecar starts while Redis is down and reconnects by itself.</summary>
    public string? Configuration { get; set; }

    /// <summary>Put before every key, so several deployments can share one Redis.</summary>
    [Required]
    [StringLength(64, MinimumLength = 1)]
    [RegularExpression("^[A-Za-z0-9._:-]+$", ErrorMessage = "KeyPrefix may hold letters, digits and . _ : - only.")]
    public string KeyPrefix { get; set; } = "neuralsec:";

    /// <summary>Longest a request waits for one Redis round trip; past it the store counts as unavailable and the
    /// policy's onError rule applies. Short: the hot path must not hang on Redis.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest one (re)connection attempt may take.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Near-duplicate index entries (queries) kept per scope at most; the oldest leave first. Each costs
    /// about 100 bytes plus 20 per fingerprint hash in Redis.</summary>
    [Range(1, 10_000_000)]
    public int NearDuplicateCapacity { get; set; } = 20_000;

    /// <summary>How long a query stays matchable in the near-duplicate index (Blacklight resets its store daily).</summary>
    public TimeSpan NearDuplicateRetention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Newest queries remembered per fingerprint hash, so a hash every query shares costs bounded work.</summary>
    [Range(1, 1024)]
    public int MaxPostingsPerHash { get; set; } = 64;

    /// <summary>No idle key lives longer than this, whatever a detector or a slow bucket asks: histories expire
    /// after their detector's idle expiry or this, whichever is shorter.</summary>
    public TimeSpan MaxIdleExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Largest stream-detector history kept for one client; a larger one is dropped (the client starts
    /// afresh, counted as an eviction). A history kept in parts is weighed whole — every part and its log — so the cap
    /// means the same in both forms and bounds each field too.</summary>
    [Range(1024, 64 << 20)]
    public int MaxHistoryBytes { get; set; } = 1 << 20;

    /// <summary>Compare-and-set attempts of one history update before it counts as unavailable (another replica kept
    /// winning the race for the same client).</summary>
    [Range(1, 100)]
    public int HistoryUpdateAttempts { get; set; } = 8;

    public bool Enabled => !string.IsNullOrWhiteSpace(Configuration);
}
