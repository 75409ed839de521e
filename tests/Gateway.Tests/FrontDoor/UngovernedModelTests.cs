using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.FrontDoor;

/// <summary>No policy, no service: with policies for named models only and no default, a request for any other model —
/// served by the backend or not — is refused PERMISSION_DENIED (<c>no_policy</c>) over both transports, and alerted.</summary>
public sealed class UngovernedModelTests
{
    [Fact]
    public async Task A_model_no_policy_governs_is_refused_and_alerted()
    {
        using var policies = new PolicyFolder();
        File.Copy(Path.Combine(RepoPaths.Root, "policies", "mnist.yaml"), Path.Combine(policies.Path, "mnist.yaml"));
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = policies.Path,
            ["NeuralSec:OnnxRuntime:Models:0"] = "mnist",
            ["NeuralSec:OnnxRuntime:Models:1"] = "mnist-adv",
        });

        var call = TransportCall.Infer("mnist-adv", TestDigits.Image(0), [1, 1, 28, 28]);
        var grpc = await call.OverGrpcAsync(server);
        var rest = await call.OverRestAsync(server);

        Assert.Equal(((int)StatusCode.PermissionDenied, "no_policy"), (grpc.Status, grpc.Reason));
        Assert.Equal((403, "no_policy"), (rest.Status, rest.Reason));
        var alert = await server.AlertForAsync(grpc.RequestId!);
        Assert.Equal("Inference request for an ungoverned model refused", alert.GetProperty("finding_info").GetProperty("title").GetString());
    }
}
