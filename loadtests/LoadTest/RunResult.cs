namespace NeuralSec.LoadTest;

/// <summary>Everything one run measured, for the Markdown report, the JSON and the chart.</summary>
/// <param name="Mode">"closed loop" or "open loop 500 req/s".</param>
/// <param name="Request">What every call sends, in words.</param>
/// <param name="H2Load">The h2load cross-check, with <see cref="LoadTestOptions.H2Load"/>.</param>
internal sealed record RunResult(
    LoadTestOptions Options,
    MachineDescription Machine,
    DateTimeOffset Started,
    string Mode,
    string Request,
    IReadOnlyList<Target> Targets,
    IReadOnlyList<LevelResult> Levels,
    IReadOnlyList<GoalCheck> Goals,
    H2LoadCrossCheck? H2Load)
{
    /// <summary>"neuralsec-loadtest --self-host …", as given (a word with a space or quote single-quoted).</summary>
    public string CommandLine => string.Join(' ', Options.Arguments.Prepend(LoadTest.CommandLine.Name).Select(Quote));

    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@+%".Contains(c, StringComparison.Ordinal))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
