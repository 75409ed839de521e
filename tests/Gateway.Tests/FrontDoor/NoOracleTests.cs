using System.Globalization;
using Grpc.Core;
using NeuralSec.Detectors.Catalog;
using NeuralSec.Gateway.Tests.Defenses;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Lab.Training;
using NeuralSec.Policy.Validation;

namespace NeuralSec.Gateway.Tests.FrontDoor;

/// <summary>
/// A client that knows nothing of the sidecar sends what an attacker probing the defenses would — noise, inverted and
/// saturated digits, PGD examples made against the served model, backdoor-triggered digits — under the shipped
/// policies, over gRPC and REST. Whatever it is refused with (status detail, every trailer or header, the body), it
/// never reads a detector's name, a score, or a threshold: the feedback an adaptive attack would need.
/// </summary>
public sealed class NoOracleTests
{
    [Fact]
    public async Task No_refusal_under_the_shipped_policies_names_a_detector_a_score_or_a_threshold()
    {
        await using var shipped = await GatewayServer.StartAsync();
        var (clean, labels) = FixtureModels.Digits(0, 12);
        var probes = new List<float[]>
        {
            Noise(1),
            Noise(2),
            Enumerable.Repeat(1f, 784).ToArray(),
            clean.AsSpan(0, 784).ToArray().Select(p => 1 - p).ToArray(),
        };
        var adversarial = FixtureModels.Pgd(clean, labels, 0.3f);
        probes.AddRange(Enumerable.Range(0, 12).Select(i => adversarial.AsSpan(i * 784, 784).ToArray()));

        var refusals = new List<string>();
        foreach (var probe in probes)
        {
            await Probe(shipped, "mnist", probe, refusals);
        }

        await using var backdoor = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Policies:Directory"] = Path.Combine(RepoPaths.Root, "policies", "examples"),
        });
        for (var i = 0; i < 12; i++)
        {
            var image = TestDigits.Image(i);
            BackdoorTrigger.Stamp(image);
            await Probe(backdoor, "mnist-backdoor", image, refusals);
        }

        Assert.True(refusals.Count >= 20, $"the probes must actually be refused to test anything; {refusals.Count} were");
        var forbidden = ForbiddenWords();
        foreach (var refusal in refusals)
        {
            foreach (var word in forbidden)
            {
                Assert.False(refusal.Contains(word, StringComparison.OrdinalIgnoreCase), $"a refusal tells the caller '{word}': {refusal}");
            }
        }
    }

    [Fact]
    public async Task A_policy_that_explains_refusals_tells_the_caller_the_detector_score_and_threshold()
    {
        using var policies = new PolicyFolder();
        var text = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "policies", "mnist.yaml"));
        policies.Write("mnist.yaml", text.Replace("  output:", "  refusals: { explain: true }\n  output:", StringComparison.Ordinal));
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?> { ["NeuralSec:Policies:Directory"] = policies.Path });
        var request = InferRequests.Raw(Noise(1));

        var ex = await Assert.ThrowsAsync<RpcException>(() => server.Client.ModelInferAsync(request).ResponseAsync);

        Assert.Equal("suspicious_input", ex.Trailers.GetValue("x-neuralsec-reason"));
        Assert.Matches("^input flagged by [a-zA-Z]+ \\(score [0-9.e+-]+, threshold [0-9.e+-]+\\)$", ex.Status.Detail);
    }

    /// <summary>Every defense type, the words "score" and "threshold", and every threshold of the shipped
    /// policies as the decision used to print it (and in full).</summary>
    private static List<string> ForbiddenWords()
    {
        var words = DefenseCatalog.All.Select(d => d.Type).Concat(["score", "threshold"]).ToList();
        foreach (var folder in new[] { "policies", Path.Combine("policies", "examples") })
        {
            var set = new PolicyValidator(modelRepository: RepoPaths.ModelRepository).ValidateSet(PolicyDirectory.Read(Path.Combine(RepoPaths.Root, folder)));
            foreach (var threshold in set.Policies.SelectMany(p => p.Detect).Select(d => d.Threshold).OfType<double>())
            {
                words.Add(threshold.ToString("G4", CultureInfo.InvariantCulture));
                words.Add(threshold.ToString("R", CultureInfo.InvariantCulture));
            }
        }

        return words;
    }

    private static async Task Probe(GatewayServer server, string model, float[] image, List<string> refusals)
    {
        try
        {
            var request = InferRequests.Raw(image);
            request.ModelName = model;
            using var grpc = server.Client.ModelInferAsync(request);
            await grpc.ResponseAsync;
        }
        catch (RpcException ex)
        {
            refusals.Add($"grpc {ex.StatusCode} {ex.Status.Detail} | {string.Join(" ", ex.Trailers.Select(t => $"{t.Key}={t.Value}"))}");
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri($"/v2/models/{model}/infer", UriKind.Relative))
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { inputs = new[] { new { name = "input", datatype = "FP32", shape = new[] { 1, 1, 28, 28 }, data = image } } }),
        };
        using var rest = await server.Http.SendAsync(message);
        if (!rest.IsSuccessStatusCode)
        {
            refusals.Add($"rest {(int)rest.StatusCode} {await rest.Content.ReadAsStringAsync()} | {string.Join(" ", rest.Headers.Select(h => $"{h.Key}={string.Join(",", h.Value)}"))}");
        }

    }

    private static float[] Noise(int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, 784).Select(_ => random.NextSingle()).ToArray();
    }
}
