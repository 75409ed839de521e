namespace NeuralSec.RedTeam.Stream;

/// <summary>The <c>stream</c> command's parameters.</summary>
internal sealed record StreamSettings
{
    public required int Seed { get; init; }

    public required TimeSpan MaxDuration { get; init; }

    public required bool Quick { get; init; }

    public string? Policies { get; init; }

    public string? Neuralsec { get; init; }

    public string? Data { get; init; }

    public string? Models { get; init; }

    public required string Json { get; init; }

    public string? Markdown { get; init; }

    public required string Arguments { get; init; }

    /// <summary>Query budget per attacked image (SimBA, Boundary); the adaptive attacker gets twice this.</summary>
    public int EvasionBudget => Quick ? 300 : 1_000;

    public int EvasionImages => Quick ? 2 : 5;

    /// <summary>The test-split index of the first digit the evasion attacks work on; the others follow it 37 apart
    /// (<c>--evasion-digits</c>). The seed changes the traffic, the transforms and the keys, not these digits.</summary>
    public int EvasionFirstDigit { get; init; } = DefaultEvasionFirstDigit;

    public const int DefaultEvasionFirstDigit = 1_000;

    /// <summary>How far apart the attacked digits are in the test split.</summary>
    public const int EvasionDigitStride = 37;

    public int TransferQueries => Quick ? 200 : 1_000;

    public int JbdaSeeds => Quick ? 30 : 150;

    public int JbdaRounds => Quick ? 2 : 4;

    public IReadOnlyList<int> AdaptiveAccounts => Quick ? [5] : [5, 20];

    /// <summary>Query budget per attacked image of the resampling adaptive attacker (four queries per candidate).</summary>
    public int ResamplingBudget => Quick ? 600 : 5_000;

    /// <summary>queryCoverage budgets to sweep (novelty-weighted fresh queries per hour), a phase each; empty: none.</summary>
    public IReadOnlyList<int> CoverageBudgets { get; init; } = [];

    /// <summary>Knockoff-random's natural digits in each sweep phase: more than the smaller budgets allow.</summary>
    public int SweepKnockoffQueries => Quick ? 600 : 3_000;

    /// <summary>The sweep's high-volume benign apps: fresh natural digits each (the population's busiest client sends
    /// 1,200; the other is as busy as Knockoff).</summary>
    public IReadOnlyList<int> SweepApps => Quick ? [100] : [1_200, 3_000];
}
