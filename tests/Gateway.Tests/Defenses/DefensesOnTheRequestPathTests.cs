using Grpc.Core;
using NeuralSec.Detectors;
using NeuralSec.Detectors.Calibration;
using NeuralSec.Detectors.Detection;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.Defenses;

/// <summary>
/// The input defenses through the real sidecar: feature squeezing, with a threshold calibrated in the test on
/// benign digits at 1% FPR, blocks PGD adversarial examples made against the served model and passes their clean
/// originals; a detector that fails is handled by the policy's fail-open / fail-closed rule; preprocessing
/// purifies what is forwarded without hurting clean accuracy.
/// </summary>
public sealed class DefensesOnTheRequestPathTests
{
    private static readonly Lazy<double> CalibratedThreshold = new(() =>
    {
        // Benign digits 1000–1299 calibrate; the digits under test (0–39) are not among them.
        using var model = FixtureModels.Load("mnist");
        var detector = DefenseFactory.CreateDetector("featureSqueezing");
        var (images, _) = FixtureModels.Digits(1000, 300);
        var result = detector.ScoreAsync(FixtureModels.Batch(images), new DetectionContext(FixtureModels.Runner(model), new Random(1)), CancellationToken.None)
            .AsTask().GetAwaiter().GetResult();
        return ThresholdCalibrator.ForHighScores(result.ImageScores, 0.01);
    });

    private static string Policy(string onError, string detect) => PolicyFolder.Policy("defended", $$"""
          models: ["*"]
          onError: {{onError}}
          input:
            image: { tensor: input, layout: NCHW, range: [0, 1] }
          detect:
        {{detect}}
        """);

    [Fact]
    public async Task Feature_squeezing_blocks_PGD_examples_and_passes_their_clean_originals()
    {
        var threshold = CalibratedThreshold.Value;
        using var policies = new PolicyFolder().Write("default.yaml", Policy("fail-closed",
            $"    - {{ type: featureSqueezing, threshold: {threshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}, action: block }}"));
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["NeuralSec:Policies:Directory"] = policies.Path });

        const int count = 40;
        var (clean, labels) = FixtureModels.Digits(0, count);
        var adversarial = FixtureModels.Pgd(clean, labels, 0.2f);
        using var model = FixtureModels.Load("mnist");
        var fooled = FixtureModels.Predict(model, adversarial);

        int cleanPassed = 0, attacks = 0, blocked = 0;
        string? blockedRequestId = null;
        for (var i = 0; i < count; i++)
        {
            var original = clean.AsSpan(i * 784, 784).ToArray();
            var response = await server.Client.ModelInferAsync(InferRequests.Raw(original));
            cleanPassed += InferRequests.ArgMax(InferRequests.Logits(response)) == labels[i] ? 1 : 0;

            if (fooled[i] == labels[i])
            {
                continue; // the attack failed on this digit: nothing to detect
            }

            attacks++;
            try
            {
                await server.Client.ModelInferAsync(InferRequests.Raw(adversarial.AsSpan(i * 784, 784).ToArray()));
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.PermissionDenied)
            {
                // The caller learns only that it was refused, never by which detector.
                Assert.Equal("suspicious_input", ex.Trailers.GetValue("x-neuralsec-reason"));
                Assert.DoesNotContain("featureSqueezing", ex.Status.Detail, StringComparison.Ordinal);
                blocked++;
                blockedRequestId = ex.Trailers.GetValue("x-neuralsec-request-id");
            }
        }

        Assert.True(attacks >= 30, $"PGD ε=0.2 should fool the undefended model on most digits; it fooled {attacks}/{count}");
        Assert.True(blocked >= attacks * 0.9, $"blocked {blocked} of {attacks} successful adversarial examples");
        Assert.True(cleanPassed >= count - 1, $"only {cleanPassed}/{count} clean digits were answered correctly");

        var alert = await server.AlertForAsync(blockedRequestId!);
        Assert.Contains("AML.T0043", alert.GetProperty("finding_info").GetRawText(), StringComparison.Ordinal);
        var detector = alert.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("detectors")[0];
        Assert.Equal("featureSqueezing", detector.GetProperty("name").GetString());
        Assert.True(detector.GetProperty("score").GetDouble() > threshold);
        Assert.Equal(threshold, detector.GetProperty("threshold").GetDouble(), 9);
    }

    [Theory]
    [InlineData("fail-closed")]
    [InlineData("fail-open")]
    public async Task A_failing_detector_follows_the_policy_error_rule(string onError)
    {
        // The classifier is no autoencoder: the detector fails on every request.
        using var policies = new PolicyFolder().Write("default.yaml", Policy(onError,
            "    - { type: reconstructionError, autoencoder: mnist, threshold: 0.5, action: block }"));
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = policies.Path,
        });

        var request = InferRequests.Raw(TestDigits.Image(0));
        string requestId;
        if (onError == "fail-closed")
        {
            var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelInferAsync(request).ResponseAsync);
            Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
            Assert.Equal("defense_error", ex.Trailers.GetValue("x-neuralsec-reason"));
            Assert.DoesNotContain("autoencoder", ex.Status.Detail, StringComparison.Ordinal);
            requestId = ex.Trailers.GetValue("x-neuralsec-request-id")!;
        }
        else
        {
            var call = server.Client.ModelInferAsync(request);
            var response = await call.ResponseAsync;
            Assert.Equal(TestDigits.Label(0), InferRequests.ArgMax(InferRequests.Logits(response)));
            requestId = call.GetTrailers().GetValue("x-neuralsec-request-id")!;
        }

        await server.AlertForAsync(requestId);
    }

    [Fact]
    public async Task Preprocessing_purifies_what_is_forwarded_and_keeps_clean_digits_right()
    {
        using var policies = new PolicyFolder().Write("default.yaml", PolicyFolder.Policy("purify", """
              models: ["*"]
              input:
                image: { tensor: input }
              preprocess:
                - { type: bitDepth, bits: 4 }
                - { type: median, size: 2 }
                - { type: jpeg, quality: 75 }
                - { type: randomResizePad, minScale: 0.9 }
            """));
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = policies.Path,
            ["NeuralSec:Defenses:Seed"] = "42",
        });

        var correct = 0;
        for (var i = 0; i < 30; i++)
        {
            var response = await server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(i)));
            correct += InferRequests.ArgMax(InferRequests.Logits(response)) == TestDigits.Label(i) ? 1 : 0;
        }

        Assert.True(correct >= 28, $"{correct}/30 clean digits right after purification");
    }

    [Fact]
    public async Task An_image_defense_on_a_non_image_input_is_a_clear_INVALID_ARGUMENT()
    {
        using var policies = new PolicyFolder().Write("default.yaml", PolicyFolder.Policy("purify", """
              models: ["*"]
              input:
                image: { tensor: input, layout: NHWC }
              preprocess:
                - { type: bitDepth, bits: 4 }
            """));
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["NeuralSec:Policies:Directory"] = policies.Path });

        // [1,1,28,28] read as NHWC has 28 channels: not an image the defenses can work on.
        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelInferAsync(InferRequests.Raw(TestDigits.Image(0))).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal("not_an_image", ex.Trailers.GetValue("x-neuralsec-reason"));
    }
}
