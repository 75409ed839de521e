using Grpc.Core;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.Defenses;

/// <summary>
/// <c>spec.detectOrder: cheapFirst</c> through the real sidecar, with the shipped policy's three detectors and
/// thresholds: uniform noise, which the pixel statistics block, is refused without the autoencoder or the served
/// model being run (the embedded backend's own execution count does not move, and the alert names what was skipped);
/// a real digit still goes through every round; monitor mode and <c>concurrent</c> run everything. The decision is
/// the same in every order: only a block, which no later verdict can change, ends the rounds.
/// </summary>
public sealed class CheapFirstDetectionTests
{
    private static string Policy(string order, string mode = "enforce") => PolicyFolder.Policy("ordered", $$"""
          models: [mnist]
          mode: {{mode}}
          input:
            image: { tensor: input, layout: NCHW, range: [0, 1] }
          detectOrder: {{order}}
          detect:
            - type: featureSqueezing
              threshold: 1.3005096096141988
              squeezers: [bitDepth1, median2]
              action: alert
            - type: reconstructionError
              threshold: 0.004714684189299487
              autoencoder: mnist-autoencoder
              metric: error
              p: 2
              action: alert
              grades:
                - { threshold: 0.01069, action: block }
            - type: statistics
              threshold: 3.1612426744067195
              benignMean: [0.1321971199704092, 0.3029061048542867, 0.08653061224489807, 0.13332932426908345]
              benignStd: [0.04489828100808569, 0.04817353742627715, 0.021723567742436407, 0.03145136515017468]
              action: alert
              grades:
                - { threshold: 7.967, action: block }
        """);

    private static float[] Noise(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 784).Select(_ => random.NextSingle()).ToArray();
    }

    [Fact]
    public async Task Noise_the_statistics_block_runs_no_model_and_the_alert_names_the_skipped_detectors()
    {
        using var policies = new PolicyFolder().Write("mnist.yaml", Policy("cheapFirst"));
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["NeuralSec:Policies:Directory"] = policies.Path });

        var before = await StatisticsAsync(server);
        string? requestId = null;
        for (var i = 0; i < 5; i++)
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelInferAsync(InferRequests.Raw(Noise(i))).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
            Assert.Equal("suspicious_input", ex.Trailers.GetValue("x-neuralsec-reason"));
            requestId = ex.Trailers.GetValue("x-neuralsec-request-id");
        }

        var after = await StatisticsAsync(server);
        Assert.Equal(before.ExecutionCount, after.ExecutionCount);

        var alert = await server.AlertForAsync(requestId!);
        var detectors = alert.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("detectors").EnumerateArray().Select(d => d.GetProperty("name").GetString()!).ToArray();
        Assert.Equal(["statistics"], detectors);
        var message = alert.GetProperty("message").GetString()!;
        Assert.Contains("not run", message, StringComparison.Ordinal);
        Assert.Contains("reconstructionError", message, StringComparison.Ordinal);
        Assert.Contains("featureSqueezing", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_digit_goes_through_every_round_and_is_answered_as_under_concurrent()
    {
        using var cheapFirst = new PolicyFolder().Write("mnist.yaml", Policy("cheapFirst"));
        using var concurrent = new PolicyFolder().Write("mnist.yaml", Policy("concurrent"));
        await using var ordered = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["NeuralSec:Policies:Directory"] = cheapFirst.Path });
        await using var together = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["NeuralSec:Policies:Directory"] = concurrent.Path });

        var before = await StatisticsAsync(ordered);
        for (var i = 0; i < 5; i++)
        {
            var a = await ordered.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(i)));
            var b = await together.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(i)));
            Assert.Equal(b.RawOutputContents[0], a.RawOutputContents[0]);
        }

        // Feature squeezing's batch of three ran for each digit (and answered it: no second call).
        var after = await StatisticsAsync(ordered);
        Assert.Equal(before.ExecutionCount + 5, after.ExecutionCount);
        Assert.Equal(before.InferenceCount + (5 * 3), after.InferenceCount);
    }

    [Theory]
    [InlineData("concurrent", "enforce")]
    [InlineData("cheapFirst", "monitor")]
    public async Task Concurrent_or_monitor_mode_runs_every_detector_on_noise(string order, string mode)
    {
        using var policies = new PolicyFolder().Write("mnist.yaml", Policy(order, mode));
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["NeuralSec:Policies:Directory"] = policies.Path });

        var before = await StatisticsAsync(server);
        string requestId;
        if (mode == "monitor")
        {
            var call = server.Client.ModelInferAsync(InferRequests.Raw(Noise(1)));
            await call.ResponseAsync;
            requestId = call.GetTrailers().GetValue("x-neuralsec-request-id")!;
        }
        else
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelInferAsync(InferRequests.Raw(Noise(1))).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
            requestId = ex.Trailers.GetValue("x-neuralsec-request-id")!;
        }

        var after = await StatisticsAsync(server);
        Assert.Equal(before.ExecutionCount + 1, after.ExecutionCount);
        var alert = await server.AlertForAsync(requestId);
        var detectors = alert.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("detectors").EnumerateArray().Select(d => d.GetProperty("name").GetString()!).Order().ToArray();
        Assert.Equal(["featureSqueezing", "reconstructionError", "statistics"], detectors);
        Assert.DoesNotContain("not run", alert.GetProperty("message").GetString()!, StringComparison.Ordinal);
    }

    private static async Task<ModelStatistics> StatisticsAsync(GatewayServer server) =>
        Assert.Single((await server.Client.ModelStatisticsAsync(new ModelStatisticsRequest { Name = "mnist" })).ModelStats);
}
