namespace NeuralSec.Policy.Model;

/// <summary>
/// One validated <c>FirewallPolicy</c> file, immutable. The running pipeline holds one <see cref="PolicySnapshot"/>
/// of these; a reload swaps the whole snapshot, never a field.
/// </summary>
public sealed record FirewallPolicy
{
    /// <summary><c>metadata.name</c>: unique across the policy directory.</summary>
    public required string Name { get; init; }

    /// <summary>A short content hash of the file (first 12 hex digits of its SHA-256): what was live, in alerts.</summary>
    public required string Revision { get; init; }

    /// <summary>The file it came from.</summary>
    public required string Source { get; init; }

    /// <summary><c>metadata.labels</c>: free-form, for operators and alert routing.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = System.Collections.Frozen.FrozenDictionary<string, string>.Empty;

    /// <summary><c>metadata.annotations</c>: free-form.</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = System.Collections.Frozen.FrozenDictionary<string, string>.Empty;

    /// <summary><c>spec.models</c>: model names this policy governs; <c>"*"</c> makes it the default policy.</summary>
    public required IReadOnlyList<string> Models { get; init; }

    /// <summary><c>spec.clientGroups</c>: the tenants it applies to; empty means every client.</summary>
    public IReadOnlyList<string> ClientGroups { get; init; } = [];

    public PolicyMode Mode { get; init; } = PolicyMode.Enforce;

    public ErrorMode OnError { get; init; } = ErrorMode.FailClosed;

    public IdentityPolicy Identity { get; init; } = new();

    public InputPolicy Input { get; init; } = new();

    public RateLimitPolicy? RateLimit { get; init; }

    /// <summary>Purifying transforms, applied in order to what is forwarded.</summary>
    public IReadOnlyList<DefenseSpec> Preprocess { get; init; } = [];

    /// <summary><c>spec.repair</c>: transforms applied, in order, to the forwarded input of a request a detector
    /// answers with <see cref="DefenseAction.Repair"/> (after <see cref="Preprocess"/>).</summary>
    public IReadOnlyList<DefenseSpec> Repair { get; init; } = [];

    /// <summary>Detectors that score the input.</summary>
    public IReadOnlyList<DefenseSpec> Detect { get; init; } = [];

    /// <summary><c>spec.detectOrder</c>: all detectors at once, or the cheap ones first so that a request they block
    /// costs no model call.</summary>
    public DetectOrder DetectOrder { get; init; } = DetectOrder.Concurrent;

    /// <summary>Stream defenses against model extraction and query-based attacks; null when none.</summary>
    public ExtractionPolicy? Extraction { get; init; }

    public OutputPolicy Output { get; init; } = new();

    /// <summary>What refused callers are told.</summary>
    public RefusalPolicy Refusals { get; init; } = new();

    public bool IsDefault => Models.Contains("*");
}
