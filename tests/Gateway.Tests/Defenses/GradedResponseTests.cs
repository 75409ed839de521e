using System.Globalization;
using Grpc.Core;
using NeuralSec.Detectors;
using NeuralSec.Detectors.Calibration;
using NeuralSec.Detectors.Detection;
using NeuralSec.Gateway.Tests.Infrastructure;

namespace NeuralSec.Gateway.Tests.Defenses;

/// <summary>
/// Graded answers through the real sidecar: a feature-squeezing flag answered with <c>repair</c> gets the model's
/// answer to the bit-depth-1 view (right for most PGD examples, unchanged for clean digits), a score beyond a grade's
/// threshold is refused, monitor mode records the repair without applying it — and the caller is never told.
/// </summary>
public sealed class GradedResponseTests
{
    private const int Count = 40;

    private static readonly Lazy<(double Threshold, float[] Clean, byte[] Labels, float[] Adversarial, int[] Fooled, IReadOnlyList<double> Scores)> Setup = new(() =>
    {
        using var model = FixtureModels.Load("mnist");
        var detector = DefenseFactory.CreateDetector("featureSqueezing");
        var (benign, _) = FixtureModels.Digits(1000, 300);
        var benignScores = Score(detector, model, benign);
        var (clean, labels) = FixtureModels.Digits(0, Count);
        var adversarial = FixtureModels.Pgd(clean, labels, 0.2f);
        return (ThresholdCalibrator.ForHighScores(benignScores, 0.01), clean, labels, adversarial, FixtureModels.Predict(model, adversarial), Score(detector, model, adversarial));
    });

    private static IReadOnlyList<double> Score(IDetector detector, Backends.OnnxRuntime.OnnxModel model, float[] images) =>
        detector.ScoreAsync(FixtureModels.Batch(images), new DetectionContext(FixtureModels.Runner(model), new Random(1)), CancellationToken.None)
            .AsTask().GetAwaiter().GetResult().ImageScores;

    private static string Policy(string mode, string grades) => PolicyFolder.Policy("graded", $$"""
          models: ["*"]
          mode: {{mode}}
          input:
            image: { tensor: input, layout: NCHW, range: [0, 1] }
          repair:
            - { type: bitDepth, bits: 1 }
          detect:
            - type: featureSqueezing
              threshold: {{Number(Setup.Value.Threshold)}}
              action: repair
        {{grades}}
        """);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static float[] Image(float[] images, int i) => images.AsSpan(i * 784, 784).ToArray();

    [Fact]
    public async Task Repair_answers_adversarial_examples_from_the_purified_view_and_leaves_clean_digits_right()
    {
        var (_, clean, labels, adversarial, fooled, _) = Setup.Value;
        using var policies = new PolicyFolder().Write("default.yaml", Policy("enforce", string.Empty));
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["NeuralSec:Policies:Directory"] = policies.Path });

        int cleanRight = 0, attacks = 0, repairedRight = 0;
        string? requestId = null;
        for (var i = 0; i < Count; i++)
        {
            cleanRight += InferRequests.ArgMax(InferRequests.Logits(await server.Client.ModelInferAsync(InferRequests.Raw(Image(clean, i))))) == labels[i] ? 1 : 0;
            if (fooled[i] == labels[i])
            {
                continue;
            }

            attacks++;
            var call = server.Client.ModelInferAsync(InferRequests.Raw(Image(adversarial, i)));
            var response = await call.ResponseAsync;
            repairedRight += InferRequests.ArgMax(InferRequests.Logits(response)) == labels[i] ? 1 : 0;

            // No oracle: nothing the caller reads says its input was repaired.
            var metadata = (await call.ResponseHeadersAsync).Concat(call.GetTrailers());
            Assert.DoesNotContain(metadata, e => e.Key.Contains("reason", StringComparison.Ordinal) || (!e.IsBinary && e.Value.Contains("repair", StringComparison.OrdinalIgnoreCase)));
            requestId = call.GetTrailers().GetValue("x-neuralsec-request-id");
        }

        Assert.True(attacks >= 30, $"PGD ε=0.2 should fool the undefended model on most digits; it fooled {attacks}/{Count}");
        Assert.True(repairedRight >= attacks * 0.7, $"only {repairedRight} of {attacks} adversarial examples were answered with their true label");
        Assert.True(cleanRight >= Count - 1, $"only {cleanRight}/{Count} clean digits were answered correctly");

        var alert = await server.AlertForAsync(requestId!);
        Assert.Equal("Modified", alert.GetProperty("action").GetString());
        Assert.Equal("Corrected", alert.GetProperty("disposition").GetString());
        Assert.Equal("featureSqueezing", alert.GetProperty("unmapped").GetProperty("neuralsec").GetProperty("detectors")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_score_beyond_a_grade_threshold_gets_the_grade_action()
    {
        var (threshold, _, labels, adversarial, fooled, scores) = Setup.Value;
        // A grade between the calibrated threshold and the strongest scores, away from every score the test sends.
        var flagged = scores.Where((s, i) => fooled[i] != labels[i] && s > threshold).Order().ToArray();
        Assert.True(flagged.Length >= 10, $"only {flagged.Length} flagged adversarial examples");
        var grade = (flagged[flagged.Length / 2 - 1] + flagged[flagged.Length / 2]) / 2;
        using var policies = new PolicyFolder().Write("default.yaml", Policy("enforce", $"      grades:\n        - {{ threshold: {Number(grade)}, action: block }}"));
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["NeuralSec:Policies:Directory"] = policies.Path });

        int blocked = 0, answered = 0;
        for (var i = 0; i < Count; i++)
        {
            if (fooled[i] == labels[i] || scores[i] <= threshold || Math.Abs(scores[i] - grade) < 1e-3)
            {
                continue;
            }

            try
            {
                await server.Client.ModelInferAsync(InferRequests.Raw(Image(adversarial, i)));
                Assert.True(scores[i] < grade, $"digit {i}: score {scores[i]} is beyond the grade at {grade} but was answered");
                answered++;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.PermissionDenied)
            {
                Assert.True(scores[i] > grade, $"digit {i}: score {scores[i]} is under the grade at {grade} but was refused");
                Assert.Equal("suspicious_input", ex.Trailers.GetValue("x-neuralsec-reason"));
                blocked++;
            }
        }

        Assert.True(blocked > 0 && answered > 0, $"blocked {blocked}, answered {answered}: the grade should split the flagged examples");
    }

    [Fact]
    public async Task Monitor_mode_records_the_repair_and_forwards_the_input_as_sent()
    {
        var (_, _, labels, adversarial, fooled, scores) = Setup.Value;
        using var policies = new PolicyFolder().Write("default.yaml", Policy("monitor", string.Empty));
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["NeuralSec:Policies:Directory"] = policies.Path });

        var i = Enumerable.Range(0, Count).First(i => fooled[i] != labels[i] && scores[i] > Setup.Value.Threshold * 1.1);
        var call = server.Client.ModelInferAsync(InferRequests.Raw(Image(adversarial, i)));
        var answer = InferRequests.ArgMax(InferRequests.Logits(await call.ResponseAsync));

        Assert.Equal(fooled[i], answer); // the model's own (fooled) answer: monitor mode changes nothing
        var alert = await server.AlertForAsync(call.GetTrailers().GetValue("x-neuralsec-request-id")!);
        Assert.Equal("Allowed", alert.GetProperty("action").GetString());
        Assert.Equal("Detected", alert.GetProperty("disposition").GetString());
    }
}
