using System.Globalization;
using System.Text.RegularExpressions;
using NeuralSec.Data;
using NeuralSec.Policy.Model;
using NeuralSec.Policy.Validation;

namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// The policy folders the simulation's sidecar runs: policies/mnist.yaml as shipped (input detectors, output hardening
/// topK 1 / 2 decimals) plus a <c>spec.extraction</c> block, in four variants — <c>hardened</c> (the shipped output
/// block), <c>full</c> (no output block: full logits) and <c>stream-only</c> (hardened, without the per-input detectors and the escalation that counts them), <c>misinformed</c> (hardened, every
/// client degraded from its first query) — or one folder the caller gives (<c>--policies</c>). The
/// per-client rate limit is raised to 1,000/s (burst 2,000) so that the simulation, which sends as fast as the sidecar
/// answers, measures the stream detectors rather than the token bucket. The shipped policy's own
/// <c>spec.extraction</c> is used as it stands; <see cref="ExtractionBlock"/> is added only to a policy without one.
/// </summary>
internal static partial class SimulationPolicies
{
    public const string Hardened = "hardened";
    public const string Full = "full";

    /// <summary>The hardened variant without the per-input detectors: what the stream detectors alone catch.</summary>
    public const string StreamOnly = "stream-only";

    /// <summary>The hardened variant with every client degraded from its first query (queryCoverage's budget cut to
    /// 0.5): what the misinformation answer costs benign users and does to a surrogate when it reaches everyone.</summary>
    public const string Misinformed = "misinformed";

    public const string ExtractionBlock = """
          extraction:
            window: 86400
            cooldown: 600
            throttle: { tokensPerSecond: 1, burst: 5 }
            detectors:
              - type: nearDuplicate
                threshold: 25
                action: block
              - type: distanceDistribution
                threshold: 0.96
                minDistance: 0.5
                action: throttle

        """;

    /// <summary>The hardened variant with queryCoverage's budget set to <paramref name="budget"/> (the sweep's).</summary>
    public static string CoverageVariant(int budget) => "coverage-" + budget.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes the variants under <paramref name="root"/>, and a <see cref="CoverageVariant"/> per budget of
    /// <paramref name="coverageBudgets"/>; returns folder by variant name.</summary>
    public static IReadOnlyDictionary<string, string> Write(string repositoryRoot, string root, IReadOnlyList<int> coverageBudgets)
    {
        var shipped = Path.Combine(repositoryRoot, "policies", "mnist.yaml");
        if (!File.Exists(shipped))
        {
            throw new RedTeamException($"the shipped policy {shipped} is missing; pass --policies DIR");
        }

        var text = File.ReadAllText(shipped).ReplaceLineEndings("\n");
        var limited = RateLimit().Replace(text, "  rateLimit:\n    perClient:\n      tokensPerSecond: 1000\n      burst: 2000\n", 1);
        if (limited == text || !OutputBlock().IsMatch(text))
        {
            throw new RedTeamException($"{shipped} no longer has the rateLimit and output blocks the simulation adapts; pass --policies DIR");
        }

        // The shipped policy carries its own spec.extraction; an older or custom one without it gets ExtractionBlock.
        var hardened = ShippedExtraction().IsMatch(limited) ? limited : limited.TrimEnd('\n') + "\n" + ExtractionBlock;
        var full = OutputBlock().Replace(hardened, string.Empty, 1);
        // Without input detectors, flaggedInputs has nothing to count (and a policy may not name it).
        var streamOnly = EscalationEntry().Replace(DetectBlock().Replace(hardened, string.Empty, 1), string.Empty, 1);
        var misinformed = CoverageThreshold().Replace(hardened, "${entry}0.5", 1);
        if (misinformed == hardened)
        {
            throw new RedTeamException($"{shipped} no longer has the queryCoverage entry the misinformed variant adapts; pass --policies DIR");
        }

        var folders = new Dictionary<string, string>(StringComparer.Ordinal);
        var sweep = coverageBudgets.Select(b => (CoverageVariant(b), CoverageThreshold().Replace(hardened, "${entry}" + b.ToString(System.Globalization.CultureInfo.InvariantCulture), 1)));
        foreach (var (name, yaml) in new[] { (Hardened, hardened), (Full, full), (StreamOnly, streamOnly), (Misinformed, misinformed) }.Concat(sweep))
        {
            var folder = Path.Combine(root, name);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "mnist.yaml"), yaml.Replace("name: mnist-default", $"name: mnist-sim-{name}", StringComparison.Ordinal));
            folders[name] = folder;
        }

        return folders;
    }

    /// <summary>The stream defenses of the policy in <paramref name="folder"/>, read with the sidecar's own validator, for
    /// the report: "nearDuplicate T=30 → block (matches=10, …); …; window 24 h, cooldown 600 s".</summary>
    public static string DescribeExtraction(string folder)
    {
        var validator = new PolicyValidator(modelRepository: RepositoryPaths.ModelRepository());
        var policies = Directory.EnumerateFiles(folder, "*.yaml").Order(StringComparer.Ordinal)
            .Select(f => validator.ValidateFile(PolicySource.FromFile(f)).Policy)
            .OfType<FirewallPolicy>()
            .ToArray();
        if (policies.Select(p => p.Extraction).OfType<ExtractionPolicy>().FirstOrDefault() is not { } extraction)
        {
            return "no spec.extraction";
        }

        var c = CultureInfo.InvariantCulture;
        var detectors = extraction.Detectors.Select(d =>
        {
            var options = OptionText.Describe(d.Options);
            var line = string.Create(c, $"{d.Type} T={d.Threshold} → {d.Action.ToString().ToLowerInvariant()}");
            return options.Length == 0 ? line : $"{line} ({options})";
        });
        var linked = extraction.LinkedClients is { } l ? $"; linked clients → {l.ToString().ToLowerInvariant()}" : string.Empty;
        var disguised = policies.Any(p => p.Output.DegradedAnswer == DegradedAnswer.Disguised) ? "; degraded answers disguised as ordinary ones" : string.Empty;
        return string.Join("; ", detectors) + linked + disguised + string.Create(c, $"; window {extraction.Window.TotalHours:0.##} h, cooldown {extraction.Cooldown.TotalSeconds:0} s");
    }

    [GeneratedRegex(@"^  extraction:\n", RegexOptions.Multiline)]
    private static partial Regex ShippedExtraction();

    [GeneratedRegex(@"^  rateLimit:\n(    .*\n|      .*\n)+", RegexOptions.Multiline)]
    private static partial Regex RateLimit();

    [GeneratedRegex(@"^  detect:\n(    .*\n)+", RegexOptions.Multiline)]
    private static partial Regex DetectBlock();

    [GeneratedRegex(@"(?<entry>^      - type: queryCoverage\n        threshold: )[0-9.]+", RegexOptions.Multiline)]
    private static partial Regex CoverageThreshold();

    [GeneratedRegex(@"^      - type: flaggedInputs\n(        .*\n)+", RegexOptions.Multiline)]
    private static partial Regex EscalationEntry();

    [GeneratedRegex(@"^  output:\n(    .*\n?)+", RegexOptions.Multiline)]
    private static partial Regex OutputBlock();
}
