using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.Defenses;

/// <summary>
/// A defense that cannot be built — here STRIP's overlay pool, a file that exists (so the policy validates) but is not
/// an image set — fails the build when the policy goes live (logged) and again on every request that needs it,
/// preprocessing first. The policy's onError decides: fail-closed refuses (PERMISSION_DENIED, reason defense_error),
/// fail-open answers with the model's output; both raise an alert. Once the file is good, the next request builds
/// the defenses and is defended again, without a reload.
/// </summary>
public sealed class DefenseBuildFailureTests
{
    [Theory]
    [InlineData("fail-closed")]
    [InlineData("fail-open")]
    public async Task A_defense_that_cannot_be_built_follows_the_policy_error_rule(string onError)
    {
        using var policies = new PolicyFolder();
        var pool = Path.Combine(policies.Path, "pool.nsimg.gz");
        await File.WriteAllTextAsync(pool, "not an image set");
        policies.Write("default.yaml", PolicyFolder.Policy("fragile", $$"""
              models: ["*"]
              onError: {{onError}}
              input:
                image: { tensor: input }
              preprocess:
                - { type: bitDepth, bits: 5 }
              detect:
                - { type: strip, pool: pool.nsimg.gz, threshold: 0.02, action: block }
            """));
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = policies.Path,
            ["NeuralSec:Defenses:Seed"] = "5",
        });

        var call = server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(0)));
        string requestId;
        if (onError == "fail-closed")
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
            Assert.Equal("defense_error", ex.Trailers.GetValue("x-neuralsec-reason"));
            Assert.DoesNotContain("pool", ex.Status.Detail, StringComparison.Ordinal);
            requestId = ex.Trailers.GetValue("x-neuralsec-request-id")!;
        }
        else
        {
            var response = await call.ResponseAsync;
            Assert.Equal(TestDigits.Label(0), InferRequests.ArgMax(InferRequests.Logits(response)));
            requestId = call.GetTrailers().GetValue("x-neuralsec-request-id")!;
        }

        var alert = await server.AlertForAsync(requestId);
        var failed = alert.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("detectors").EnumerateArray().ToArray();
        Assert.Contains(failed, d => d.GetProperty("name").GetString() == "build");

        File.Copy(Path.Combine(RepoPaths.ModelRepository, "mnist-backdoor", "strip-pool.nsimg.gz"), pool, overwrite: true);
        var healed = await server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(0)));
        Assert.Equal(TestDigits.Label(0), InferRequests.ArgMax(InferRequests.Logits(healed)));
    }
}
