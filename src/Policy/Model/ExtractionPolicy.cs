namespace NeuralSec.Policy.Model;

/// <summary>
/// <c>spec.extraction</c>: the stream defenses — detectors that watch each client's queries (and, for
/// near-duplicates, every client's) after the model answered, against model extraction and query-based evasion.
/// </summary>
public sealed record ExtractionPolicy
{
    /// <summary><c>window</c> (seconds): how long a client's query history and the shared near-duplicate index
    /// remember a query.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromHours(24);

    /// <summary><c>cooldown</c> (seconds): how long a throttle, degrade or block sanction lasts; a client flagged
    /// again while sanctioned has it extended.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary><c>throttle</c>: the budget of a throttled client (in place of <c>spec.rateLimit</c>).</summary>
    public RateLimitPolicy Throttle { get; init; } = new(TokensPerSecond: 1, Burst: 5);

    /// <summary><c>linkedClients</c>: what the other clients named in a near-duplicate flag's evidence get for the
    /// cooldown (their earlier queries are the near-duplicates: one actor spread over several accounts, or a client
    /// whose picture an attacker is working on); null (<c>none</c>), the flagged client alone is sanctioned.</summary>
    public DefenseAction? LinkedClients { get; init; }

    /// <summary><c>detectors</c>: stream detectors, each with its threshold and action.</summary>
    public IReadOnlyList<DefenseSpec> Detectors { get; init; } = [];
}
