namespace NeuralSec.Repository.Tests;

/// <summary>One way the repository's manifests are rendered for a cluster, and whether its output may hold Secrets.</summary>
internal sealed record Rendering(Func<string> Render, bool NoSecrets)
{
    private const string Chart = "deploy/helm/neuralsec";

    public static IReadOnlyDictionary<string, Rendering> All { get; } = new Dictionary<string, Rendering>(StringComparer.Ordinal)
    {
        ["kustomize deploy"] = new(() => ManifestTools.Render("kubectl", "kustomize", "deploy"), NoSecrets: true),
        ["kustomize examples/deploy-istio"] = new(() => ManifestTools.Render("kubectl", "kustomize", "examples/deploy-istio"), NoSecrets: true),
        ["helm default"] = new(() => ManifestTools.Render(ManifestTools.Helm(), "template", "t", Chart), NoSecrets: false),
        ["helm all-options"] = new(() => ManifestTools.Render(ManifestTools.Helm(), "template", "t", Chart, "-f", $"{Chart}/ci/all-options.yaml"), NoSecrets: false),
        ["helm embedded"] = new(() => ManifestTools.Render(ManifestTools.Helm(), "template", "t", Chart, "-f", $"{Chart}/ci/embedded.yaml"), NoSecrets: false),
    };
}
