namespace NeuralSec.RedTeam.Stream;

/// <summary>Everything one <c>stream</c> run measured (written as JSON, rendered as markdown).</summary>
internal sealed record StreamResults
{
    public required string Command { get; init; }

    public required int Seed { get; init; }

    public required bool Quick { get; init; }

    public required string Machine { get; init; }

    public required string PolicyNote { get; init; }

    public required double WallSeconds { get; init; }

    public required bool Truncated { get; init; }

    public required IReadOnlyList<BenignClientResult> Benign { get; init; }

    public required IReadOnlyList<AccuracyResult> BenignAccuracy { get; init; }

    public required IReadOnlyList<AttackerResult> Attackers { get; init; }

    /// <summary>The queryCoverage budget sweep (<c>--coverage-budgets</c>); empty when none was asked for.</summary>
    public IReadOnlyList<CoverageSweepResult> CoverageSweep { get; init; } = [];

    public required IReadOnlyList<PhaseTime> Phases { get; init; }
}

/// <summary>One benign client: its queries, refusals and any stream flag (the goal is none).</summary>
internal sealed record BenignClientResult(string Client, string Profile, int Queries, int Answered, int DistinctDigits, bool StreamFlagged, string? Detector, int? FirstFlagAt, IReadOnlyDictionary<string, int> Refusals);

/// <summary>Top-1 accuracy of the answers on natural test digits, per output policy (hardening's cost to benign users).</summary>
internal sealed record AccuracyResult(string Output, int Digits, int Answered, double Accuracy);

/// <summary>One attacker (one policy variant), its runs (one per attacked image, or one for an extraction).</summary>
internal sealed record AttackerResult
{
    public required string Attacker { get; init; }

    public required string Kind { get; init; }

    public required string Output { get; init; }

    public required int AccountsPerRun { get; init; }

    public required IReadOnlyList<RunResult> Runs { get; init; }

    /// <summary>Extraction: surrogate agreement with the served model on held-out test digits; null for evasion.</summary>
    public double? Agreement { get; init; }

    /// <summary>Extraction: the answers the surrogate was trained on.</summary>
    public int? TrainingAnswers { get; init; }

    public required double Seconds { get; init; }

    public required string Notes { get; init; }
}

/// <summary>One attack run: when the defense first flagged it (1-based query index over the run's queries, all its
/// accounts together), with which stream detector, when refusals began, and — evasion — when it succeeded, and how many
/// wrong answers to its disguised queries the disguise alone explained (not successes), whether it stopped on a
/// misinformed answer it took for success, and how many claimed successes its own verification found a lie.</summary>
internal sealed record RunResult(
    string Run,
    int Queries,
    int Answered,
    int? FirstFlagAt,
    string? Detector,
    int? FirstRefusalAt,
    string? FirstRefusalReason,
    IReadOnlyDictionary<string, int> Refusals,
    int AccountsFlagged,
    bool GaveUp,
    int? SucceededAt,
    double? FinalL2,
    int TransformOnlyFlips = 0,
    bool Misled = false,
    int Contradicted = 0);

/// <summary>One queryCoverage budget: when it flags each high-volume benign app (and what its degraded answers cost
/// the app's accuracy) and Knockoff-random, and what Knockoff's surrogate agrees with the served model — trained on
/// every answer it got, and on those before the flag (what a block there would have left it).</summary>
internal sealed record CoverageSweepResult(
    int Budget,
    IReadOnlyList<SweepAppResult> Apps,
    RunResult Knockoff,
    double KnockoffAgreement,
    int KnockoffAnswers,
    double? AgreementBeforeFlag,
    int? AnswersBeforeFlag,
    double Seconds);

/// <summary>A benign app of the sweep: its fresh natural digits, when it was first flagged, and the top-1 accuracy of
/// the answers it got.</summary>
internal sealed record SweepAppResult(string Client, int Queries, int? FirstFlagAt, string? Detector, double Accuracy);

internal sealed record PhaseTime(string Phase, double Seconds);
