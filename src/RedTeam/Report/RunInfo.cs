namespace NeuralSec.RedTeam.Report;

/// <summary>How the report's run was made: parameters, models, machine and wall times.</summary>
internal sealed record RunInfo
{
    public required string Command { get; init; }

    public required int Seed { get; init; }

    public required int Count { get; init; }

    public required IReadOnlyList<(string Name, string Sha256)> Models { get; init; }

    public required string Machine { get; init; }

    public required IReadOnlyList<(string Name, TimeSpan Time)> Sections { get; init; }

    public required TimeSpan Total { get; init; }
}
