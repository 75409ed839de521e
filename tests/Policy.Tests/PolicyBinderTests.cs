using System.Security.Cryptography;
using System.Text;
using NeuralSec.Detectors.Tensors;
using NeuralSec.Policy.Model;

namespace NeuralSec.Policy.Tests;

public sealed class PolicyBinderTests
{
    [Fact]
    public void Binds_EveryField()
    {
        const string yaml = """
            apiVersion: neuralsec.io/v1
            kind: FirewallPolicy
            metadata:
              name: mnist-a
              labels: { team: ml }
              annotations: { owner: "x@example.com" }
            spec:
              models: [mnist]
              clientGroups: [tenant-a, tenant-b]
              mode: monitor
              onError: fail-open
              identity: { trustHeader: true, defaultClient: null }
              input:
                tensors: [{ name: input, datatype: FP32, shape: [-1, 1, 28, 28], range: [0, 1] }]
                maxBatch: 64
              rateLimit: { perClient: { tokensPerSecond: 2.5, burst: 10 } }
              output: { topK: 3, decimals: 2, labelOnly: true }
            """;

        var policy = PolicyYaml.Validate(yaml).Policy!;

        Assert.Equal("mnist-a", policy.Name);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml)))[..12], policy.Revision);
        Assert.Equal("test.yaml", policy.Source);
        Assert.Equal("ml", policy.Labels["team"]);
        Assert.Equal("x@example.com", policy.Annotations["owner"]);
        Assert.Equal(["tenant-a", "tenant-b"], policy.ClientGroups);
        Assert.Equal(PolicyMode.Monitor, policy.Mode);
        Assert.Equal(ErrorMode.FailOpen, policy.OnError);
        Assert.True(policy.Identity.TrustHeader);
        Assert.Null(policy.Identity.DefaultClient);
        var tensor = Assert.Single(policy.Input.Tensors);
        Assert.Equal("input", tensor.Name);
        Assert.Equal(TensorDataType.FP32, tensor.DataType);
        Assert.Equal([-1L, 1, 28, 28], tensor.Shape!);
        Assert.Equal(0, tensor.Range!.Min);
        Assert.Equal(1, tensor.Range.Max);
        Assert.Equal(64, policy.Input.MaxBatch);
        Assert.Equal(new RateLimitPolicy(2.5, 10), policy.RateLimit);
        Assert.Equal(new OutputPolicy { TopK = 3, Decimals = 2, LabelOnly = true }, policy.Output);
        Assert.False(policy.IsDefault);
    }

    [Fact]
    public void Applies_Defaults()
    {
        var policy = PolicyYaml.Validate(PolicyYaml.Minimal).Policy!;

        Assert.Equal(PolicyMode.Enforce, policy.Mode);
        Assert.Equal(ErrorMode.FailClosed, policy.OnError);
        Assert.False(policy.Identity.TrustHeader);
        Assert.Equal("anonymous", policy.Identity.DefaultClient);
        Assert.Empty(policy.ClientGroups);
        Assert.Empty(policy.Input.Tensors);
        Assert.Null(policy.Input.MaxBatch);
        Assert.Null(policy.RateLimit);
        Assert.Empty(policy.Preprocess);
        Assert.Empty(policy.Detect);
        Assert.Equal(new OutputPolicy(), policy.Output);
        Assert.Empty(policy.Labels);
    }

    [Fact]
    public void Reads_QuotedAndBlockScalars_AsText()
    {
        var yaml = PolicyYaml.Minimal.Replace("models: [mnist]", "models: ['123', \"true\"]", StringComparison.Ordinal);

        Assert.Equal(["123", "true"], PolicyYaml.Validate(yaml).Policy!.Models);
    }
}
