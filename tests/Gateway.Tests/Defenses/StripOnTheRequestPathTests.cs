using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Lab.Training;

namespace NeuralSec.Gateway.Tests.Defenses;

/// <summary>
/// STRIP through the sidecar on the backdoored fixture, with the shipped example policy (its threshold written by
/// calibration at 1% FRR) and the committed overlay pool: digits carrying the BadNets trigger are refused, clean
/// digits are answered.
/// </summary>
public sealed class StripOnTheRequestPathTests
{
    [Fact]
    public async Task Triggered_digits_are_blocked_and_clean_digits_answered()
    {
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:OnnxRuntime:Models:0"] = "mnist-backdoor",
            ["NeuralSec:Policies:Directory"] = Path.Combine(RepoPaths.Root, "policies", "examples"),
            ["NeuralSec:Defenses:Seed"] = "3",
        });

        int clean = 0, cleanAnswered = 0, triggered = 0, blocked = 0;
        for (var i = 1000; clean < 20; i++)
        {
            if (TestDigits.Label(i) == 7)
            {
                continue; // the trigger's target class: stamping it proves nothing
            }

            var image = TestDigits.Image(i);
            var request = InferRequests.Raw(image);
            request.ModelName = "mnist-backdoor";
            clean++;
            try
            {
                await server.Client.ModelInferAsync(request);
                cleanAnswered++;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.PermissionDenied)
            {
            }

            BackdoorTrigger.Stamp(image);
            var poisoned = InferRequests.Raw(image);
            poisoned.ModelName = "mnist-backdoor";
            triggered++;
            try
            {
                await server.Client.ModelInferAsync(poisoned);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.PermissionDenied)
            {
                Assert.Equal("suspicious_input", ex.Trailers.GetValue("x-neuralsec-reason"));
                blocked++;
            }
        }

        Assert.True(blocked >= triggered * 0.8, $"blocked {blocked}/{triggered} triggered digits");
        Assert.True(cleanAnswered >= clean - 2, $"answered {cleanAnswered}/{clean} clean digits");
    }
}
