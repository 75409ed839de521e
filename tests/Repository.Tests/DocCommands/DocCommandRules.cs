namespace NeuralSec.Repository.Tests.DocCommands;

/// <summary>
/// Which documented commands really run in the check and which are checked for parse validity only — two explicit
/// lists, so a new command in a doc has to be put in one of them (the check fails otherwise). Keys are the tool and
/// its subcommand path as the help pages resolve it (<c>neuralsec policy validate</c>); any command ending in
/// <c>--help</c> runs.
/// </summary>
internal static class DocCommandRules
{
    /// <summary>Run from the repository root; must exit 0. Each takes well under a second.</summary>
    public static IReadOnlySet<string> Quick { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "neuralsec policy validate",
        "neuralsec policy explain",
        "neuralsec policy schema",
        "neuralsec [suggest]",
        "neuralsec-lab data info",
    };

    /// <summary>Checked for parse validity and files only, with the reason they do not run here.</summary>
    public static IReadOnlyDictionary<string, string> ParseOnly { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["neuralsec"] = "serves until stopped",
        ["neuralsec serve"] = "serves until stopped",
        ["neuralsec healthcheck"] = "asks a running sidecar",
        ["neuralsec calibrate"] = "rewrites a tracked policy (--write) or reads the adversarial sets export-sets makes",
        ["neuralsec-lab train"] = "retrains the fixtures (12 min for all)",
        ["neuralsec-lab attack"] = "crafts adversarial sets (45 s)",
        ["neuralsec-redteam evaluate"] = "the whole evaluation (6 min)",
        ["neuralsec-redteam attack"] = "every attack through sidecars it starts, then poisoning offline (about 16 min; --quick about 5 min)",
        ["neuralsec-redteam stream"] = "the stream simulation through a sidecar (75 s and more)",
        ["neuralsec-redteam export-sets"] = "crafts every attack setting (about 1 min)",
        ["neuralsec-redteam strip-diagnose"] = "STRIP over every blending rule, pool and N (about 10 min)",
        ["neuralsec-redteam fingerprint-diagnose"] = "fingerprints 16 views × settings of thousands of digits (about 10 s)",
        ["neuralsec-loadtest"] = "a load test (minutes of traffic)",
        ["neuralsec-loadtest fuzz"] = "a fuzz run against a live sidecar (up to 30 min)",
        ["neuralsec-loadtest overload"] = "an overload run against a live sidecar (minutes)",
        ["mnist-client"] = "talks to a running sidecar",
        ["dotnet test"] = "runs a test project",
        ["dotnet publish"] = "publishes a build",
        ["./run-tests.sh"] = "the whole suite, this check included",
    };

    /// <summary>Programs from outside the repository a checked block may use; only the repository paths they name
    /// are checked. Anything else (curl against a sidecar, kubectl) belongs in a not-run block.</summary>
    public static IReadOnlySet<string> ExternalPrograms { get; } = new HashSet<string>(StringComparer.Ordinal) { "git" };

    /// <summary>Options whose value is a file or folder the command writes: later commands of the same doc may read
    /// it, and it need not exist before.</summary>
    public static IReadOnlySet<string> OutputOptions { get; } = new HashSet<string>(StringComparer.Ordinal) { "--out", "--json", "--markdown" };

    /// <summary><c>dotnet run</c>'s own options the docs use, and whether each takes a value.</summary>
    public static IReadOnlyDictionary<string, bool> DotnetRunOptions { get; } = new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        ["-c"] = true,
        ["--configuration"] = true,
        ["--project"] = true,
        ["--no-build"] = false,
    };
}
