namespace NeuralSec.RedTeam.Live;

/// <summary>What <c>neuralsec-redteam attack</c> was asked to do.</summary>
internal sealed record LiveSettings
{
    public int Seed { get; init; } = 1;

    public bool Quick { get; init; }

    /// <summary>The attacks to run, by <see cref="AttackCatalog"/> name, in catalog order.</summary>
    public required IReadOnlyList<string> Attacks { get; init; }

    /// <summary>A running sidecar to attack (http:// or https://); null: start one on loopback.</summary>
    public Uri? Target { get; init; }

    /// <summary>API keys for the defended side of <see cref="Target"/> (several: a Sybil attacker's accounts).</summary>
    public IReadOnlyList<string> ApiKeys { get; init; } = [];

    /// <summary>An API key of <see cref="Target"/> whose policy is a pass-through: the undefended baseline.</summary>
    public string? BaselineApiKey { get; init; }

    /// <summary>A PEM file of the CA that signed an https target's certificate.</summary>
    public string? CaFile { get; init; }

    /// <summary>The target's JSON-lines alert file, when the caller can read it (monitor-mode and detection figures).</summary>
    public string? AlertFile { get; init; }

    public string Model { get; init; } = "mnist";

    /// <summary>The policy folder of a started sidecar (default: policies/mnist.yaml as shipped).</summary>
    public string? Policies { get; init; }

    public string? Neuralsec { get; init; }

    public string? Data { get; init; }

    public string? Models { get; init; }

    /// <summary>The report folder (README.md, results.json, figures).</summary>
    public required string Out { get; init; }

    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>The command line as typed after <c>attack</c>, for the report.</summary>
    public string Arguments { get; init; } = string.Empty;

    /// <summary>Images per transfer-style attack and ε.</summary>
    public int Images => Quick ? 40 : 200;

    /// <summary>Images per query-based evasion attack.</summary>
    public int QueryImages => Quick ? 3 : 10;

    /// <summary>Queries per image of a query-based evasion attack.</summary>
    public int QueryBudget => Quick ? 600 : 3_000;
}
