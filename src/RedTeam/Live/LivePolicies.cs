namespace NeuralSec.RedTeam.Live;

/// <summary>
/// The policy folder of a sidecar <c>attack</c> starts: the defended policy files as given (policies/mnist.yaml as
/// shipped, or every YAML file of <c>--policies DIR</c>), untouched, plus <c>redteam-baseline.yaml</c> — a pass-through
/// for the keys of client group <see cref="TargetSide.BaselineGroup"/> on mnist and the training-time fixtures, so one
/// sidecar serves the undefended baseline beside the defended target.
/// </summary>
internal static class LivePolicies
{
    public const string BaselineFile = "redteam-baseline.yaml";

    public static string Baseline(IEnumerable<string> models) => $$"""
        # Written by neuralsec-redteam attack: the undefended baseline, beside the policies under test.
        apiVersion: neuralsec.io/v1
        kind: FirewallPolicy
        metadata:
          name: redteam-baseline
        spec:
          models: [{{string.Join(", ", models)}}]
          clientGroups: [{{TargetSide.BaselineGroup}}]
          mode: enforce
          onError: fail-closed

        """;

    /// <summary>Writes the folder under <paramref name="root"/>; returns the defended policy files' names.</summary>
    public static IReadOnlyList<string> Write(string repositoryRoot, string? policies, IEnumerable<string> baselineModels, string root)
    {
        Directory.CreateDirectory(root);
        var sources = policies is null
            ? [Path.Combine(repositoryRoot, "policies", "mnist.yaml")]
            : Directory.EnumerateFiles(policies).Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToArray();
        if (sources.Length == 0 || !File.Exists(sources[0]))
        {
            throw new RedTeamException(policies is null ? $"the shipped policy {sources[0]} is missing; pass --policies DIR" : $"no policy files (*.yaml) in {policies}");
        }

        foreach (var file in sources)
        {
            if (Path.GetFileName(file) == BaselineFile)
            {
                throw new RedTeamException($"{file}: the name {BaselineFile} is the red team's own baseline policy; rename the file");
            }

            File.Copy(file, Path.Combine(root, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(root, BaselineFile), Baseline(baselineModels));
        return sources.Select(Path.GetFileName).ToArray()!;
    }
}
