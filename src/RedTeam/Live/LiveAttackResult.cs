using System.Text.Json.Serialization;

namespace NeuralSec.RedTeam.Live;

/// <summary>
/// What one attack setting achieved against one side, through the API. <see cref="Succeeded"/> counts attempts the
/// API answered the way the attacker wanted (a wrong label, or the target label); a refusal is a stop, whatever its
/// reason; <see cref="WouldRefuse"/> counts answered attempts a monitor-mode policy's alerts say enforce would have
/// refused. Fields after <see cref="Notes"/> come from the alerts and are null when the alerts cannot be read.
/// </summary>
internal sealed record LiveAttackResult
{
    public required string Attack { get; init; }

    public required string Title { get; init; }

    public required string Kind { get; init; }

    public required string Side { get; init; }

    public required string Setting { get; init; }

    /// <summary>The budget (ε, L2, pixels) for figures that plot against it.</summary>
    public double? Budget { get; init; }

    /// <summary>The QueryLog keys of this setting's queries: one, or one per attacked image (query-based attacks).</summary>
    [JsonIgnore]
    public IReadOnlyList<string> Runs { get; init; } = [];

    /// <summary>Images (or attack runs) attempted.</summary>
    public int Attempts { get; init; }

    public int Succeeded { get; init; }

    /// <summary>Attempts refused by the sidecar (any reason).</summary>
    public int Refused { get; init; }

    /// <summary>Attempts answered with the true label (repaired, or the attack failed).</summary>
    public int AnsweredRight { get; init; }

    /// <summary>White-box success on the attacker's own copy before anything was sent (transfer attacks).</summary>
    public double? OfflineSuccess { get; init; }

    public int Queries { get; init; }

    /// <summary>Median queries of the successful runs (query-based attacks).</summary>
    public double? MedianQueriesToSuccess { get; init; }

    /// <summary>Mean L2 distance of the successful adversarial inputs from the originals.</summary>
    public double? MeanL2 { get; init; }

    /// <summary>Surrogate agreement with the served model (extraction).</summary>
    public double? Agreement { get; init; }

    public double Seconds { get; init; }

    public string Notes { get; init; } = string.Empty;

    public IReadOnlyDictionary<string, int> RefusedBy { get; init; } = new SortedDictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Runs (of <see cref="Runs"/>) the sidecar flagged: an alert or a refusal.</summary>
    public int? FlaggedRuns { get; init; }

    /// <summary>Queries the sidecar flagged (an alert or a refusal) over all runs: for attacks that send each crafted
    /// input once, the inputs it noticed.</summary>
    public int? FlaggedQueries { get; init; }

    /// <summary>Median over the flagged runs of the 1-based query at which the sidecar first flagged the run.</summary>
    public double? FirstFlagAt { get; init; }

    public string? FlaggedBy { get; init; }

    public int? WouldRefuse { get; init; }

    public double SuccessRate => Attempts == 0 ? double.NaN : (double)Succeeded / Attempts;
}
