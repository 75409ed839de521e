namespace NeuralSec.RedTeam.Live;

/// <summary>Everything one <c>attack</c> run measured: results.json beside the report.</summary>
internal sealed record LiveResults
{
    public required string Command { get; init; }

    public required string Machine { get; init; }

    public required int Seed { get; init; }

    public required bool Quick { get; init; }

    /// <summary>"a sidecar started on loopback" or the target's address.</summary>
    public required string Target { get; init; }

    /// <summary>The defended policy's name and its file.</summary>
    public required string Policy { get; init; }

    /// <summary>Whether the defended policy runs in monitor mode (its file says so, or its alerts record refusals not
    /// imposed): its refusals show only as <c>WouldRefuse</c>.</summary>
    public required bool Monitor { get; init; }

    /// <summary>Whether the alerts were read (started sidecar, or <c>--alerts FILE</c>): flags and monitor figures.</summary>
    public required bool Alerts { get; init; }

    public required IReadOnlyList<TargetSide> Sides { get; init; }

    public required IReadOnlyList<AttackEntry> Attacks { get; init; }

    public required IReadOnlyList<LiveAttackResult> Results { get; init; }

    public required IReadOnlyList<SideLatency> Latency { get; init; }

    /// <summary>ROC per detector through a started sidecar (empty against a running target).</summary>
    public IReadOnlyList<RocCurve> Roc { get; init; } = [];

    /// <summary>The offline poisoning section (label flipping, feature collision, BadNets and what the runtime
    /// detectors see of them); null when <c>--attacks</c> leaves it out.</summary>
    public Poisoning.PoisoningResults? Poisoning { get; init; }

    public required double WallSeconds { get; init; }

    public required bool Truncated { get; init; }
}

/// <summary>One attack of the run, as the catalog describes it.</summary>
internal sealed record AttackEntry(string Name, string Title, string Kind, string Atlas, IReadOnlyList<string> Sides);

/// <summary>A benign client's stream to one side: client-side round trips (milliseconds), refusals, accuracy.</summary>
internal sealed record SideLatency(string Side, int Calls, double P50, double P90, double P99, int Refused, double Accuracy);
