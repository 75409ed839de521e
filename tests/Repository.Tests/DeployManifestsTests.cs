using System.Text.RegularExpressions;

namespace NeuralSec.Repository.Tests;

/// <summary>
/// The deploy manifests (deploy/README.md): the kustomize base, its Istio component and the Helm chart render, and
/// every object they render passes deploy/validate (Kubernetes, Prometheus Operator and Istio schemas, the pod
/// conventions). Copies that kustomize and Helm need — neither reads a file outside its own folder — stay equal to
/// their one source: the defended policy policies/mnist.yaml and the rules of deploy/prometheusrule.yaml.
/// </summary>
public sealed partial class DeployManifestsTests
{
    private const string Chart = "deploy/helm/neuralsec";

    private static string Read(string relative) => File.ReadAllText(Path.Combine(ManifestTools.Root, relative));

    /// <summary>The names of <see cref="Rendering.All"/>. The kustomize renderings must hold no Secret (they are
    /// created by hand, deploy/README.md); the chart's render them from values.</summary>
    public static TheoryData<string> Renderings() => new(Rendering.All.Keys);

    [Theory]
    [MemberData(nameof(Renderings))]
    public void Rendered_manifests_are_valid(string name)
    {
        var rendering = Rendering.All[name];
        var yaml = rendering.Render();

        var result = ManifestTools.Validate(yaml, name, rendering.NoSecrets);

        Assert.True(result.ExitCode == 0, $"{result.Stderr}{result.Stdout}");
        Assert.Contains("objects valid", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_validator_refuses_a_broken_manifest()
    {
        var yaml = Rendering.All["kustomize deploy"].Render();
        Assert.Contains("replicas: 2", yaml, StringComparison.Ordinal);

        var wrongType = ManifestTools.Validate(yaml.Replace("replicas: 2", "replicas: two", StringComparison.Ordinal), "broken", noSecrets: true);
        var writable = ManifestTools.Validate(yaml.Replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false", StringComparison.Ordinal), "broken", noSecrets: true);
        var unknownKind = ManifestTools.Validate("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n", "broken", noSecrets: true);

        Assert.NotEqual(0, wrongType.ExitCode);
        Assert.Contains("spec/replicas must be integer", wrongType.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, writable.ExitCode);
        Assert.Contains("readOnlyRootFilesystem must be true", writable.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, unknownKind.ExitCode);
        Assert.Contains("no schema for example.com/v1 Widget", unknownKind.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_chart_refuses_values_that_cannot_work()
    {
        var helm = ManifestTools.Helm();

        var noReceiver = ManifestTools.Run(helm, ["template", "t", Chart, "--set", "alerts.webhook.enabled=true"]);
        var unprobeable = ManifestTools.Run(helm, ["template", "t", Chart, "--set", "tls.enabled=true,tls.existingSecret=t,tls.requireClientCertificate=true"]);

        Assert.NotEqual(0, noReceiver.ExitCode);
        Assert.Contains("alerts.webhook: set existingSecret or url", noReceiver.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, unprobeable.ExitCode);
        Assert.Contains("probes.custom", unprobeable.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("deploy/policies/mnist.yaml")]
    [InlineData(Chart + "/files/mnist.yaml")]
    public void The_deployed_policy_is_the_repository_policy(string copy)
    {
        Assert.True(Read("policies/mnist.yaml") == Read(copy), $"{copy} differs from policies/mnist.yaml: cp policies/mnist.yaml {copy}");
    }

    [Fact]
    public void The_mesh_policy_differs_from_the_repository_policy_in_trusting_the_header_alone()
    {
        var repository = Read("policies/mnist.yaml");
        Assert.Single(TrustHeaderLine().Matches(repository));

        var expected = TrustHeaderLine().Replace(repository, "    trustHeader: true    # behind the Istio proxy only (STRICT mTLS): the proxy writes x-forwarded-client-cert");

        Assert.True(expected == Read("deploy/istio/policies/mnist.yaml"), "deploy/istio/policies/mnist.yaml must be policies/mnist.yaml with trustHeader: true (its comment included)");
    }

    [Fact]
    public void The_chart_rules_are_those_of_the_kustomize_base()
    {
        Assert.True(Read("deploy/prometheusrule.yaml") == Read(Chart + "/files/prometheusrule.yaml"), $"cp deploy/prometheusrule.yaml {Chart}/files/");
    }

    [Fact]
    public void The_chart_dashboard_is_the_one_checked_against_the_scrape()
    {
        Assert.True(
            Read("deploy/dashboards/neuralsec.json") == Read(Chart + "/files/neuralsec-dashboard.json"),
            $"cp deploy/dashboards/neuralsec.json {Chart}/files/neuralsec-dashboard.json");
    }

    /// <summary>The auxiliary models the deployed policy names (autoencoders, STRIP pools) are in the repository's
    /// models/, which the Gateway project copies into its output and the image publishes at /app/models — the
    /// folder the Deployment points the sidecar at.</summary>
    [Fact]
    public void The_auxiliary_models_of_the_deployed_policy_ship_in_the_sidecar_image()
    {
        var policy = Read("deploy/policies/mnist.yaml");
        var autoencoders = Autoencoder().Matches(policy).Select(m => m.Groups[1].Value).ToArray();
        var pools = Pool().Matches(policy).Select(m => m.Groups[1].Value).ToArray();
        Assert.NotEmpty(autoencoders);

        var repository = Path.Combine(ManifestTools.Root, "models", "repository");
        foreach (var name in autoencoders)
        {
            var versions = Directory.Exists(Path.Combine(repository, name)) ? Directory.GetDirectories(Path.Combine(repository, name)) : [];
            Assert.True(versions.Any(v => File.Exists(Path.Combine(v, "model.onnx"))), $"auxiliary model {name}: no models/repository/{name}/<version>/model.onnx");
        }

        Assert.All(pools, pool => Assert.True(File.Exists(Path.Combine(repository, pool)), $"STRIP pool {pool}: not in models/repository"));
        Assert.Contains("Include=\"../../models/repository/**/*\" Link=\"models/", Read("src/Gateway/NeuralSec.Gateway.csproj"), StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex(@"^/?models/?$", RegexOptions.Multiline), Read(".dockerignore"));
        Assert.Contains("- name: NeuralSec__OnnxRuntime__ModelRepository\n              value: /app/models", Read("deploy/deployment.yaml"), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^    trustHeader: false\s*$", RegexOptions.Multiline)]
    private static partial Regex TrustHeaderLine();

    [GeneratedRegex(@"^\s+autoencoder:\s*([A-Za-z0-9._-]+)", RegexOptions.Multiline)]
    private static partial Regex Autoencoder();

    [GeneratedRegex(@"^\s+pool:\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex Pool();
}
