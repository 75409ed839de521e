using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using NeuralSec.Data;
using NeuralSec.Lab.Training;

namespace NeuralSec.Lab.Tests;

/// <summary>Every committed model, run through ONNX Runtime, meets the figures its card (metrics.json) claims.</summary>
public sealed class CommittedModelTests
{
    public static TheoryData<string> Models => new(ModelZoo.Names);

    private static string ModelPath(string name) => RepositoryPaths.ModelFile(name);

    private static Dictionary<string, double> Claims(string name, out string sha)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.ModelRepository(), name, "metrics.json")));
        sha = doc.RootElement.GetProperty("sha256").GetString()!;
        return doc.RootElement.GetProperty("metrics").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
    }

    private static double OrtAccuracy(InferenceSession session, MnistSplit split)
    {
        var logits = Ort.RunBatched(session, split.Images);
        var correct = 0;
        for (var i = 0; i < split.Count; i++)
        {
            var span = logits.AsSpan(i * 10, 10);
            if (System.Numerics.Tensors.TensorPrimitives.IndexOfMax(span) == split.Labels[i])
            {
                correct++;
            }
        }

        return correct / (double)split.Count;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void ModelFile_MatchesTheCardAndIsSmall(string name)
    {
        var bytes = File.ReadAllBytes(ModelPath(name));
        Claims(name, out var sha);
        Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Contains(sha, File.ReadAllText(Path.Combine(RepositoryPaths.ModelRepository(), name, "MODEL_CARD.md")), StringComparison.Ordinal);
        Assert.True(bytes.Length < 2 * 1024 * 1024, $"{name} is {bytes.Length} bytes");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void CommittedModel_OnnxRuntimeMatchesTheLabForwardPass(string name)
    {
        var images = TestData.Mnist.Test.Images[..(200 * 784)];
        var lab = NeuralSec.Lab.Onnx.OnnxImporter.Load(ModelPath(name)).Predict(images);
        using var session = new InferenceSession(ModelPath(name));
        var ort = Ort.RunBatched(session, images, 100);
        // Relative to the logit's size: the distilled model's logits are tens of units (trained at temperature T), where
        // float32 sums in another order (ONNX Runtime's kernels differ by CPU: AVX2, AVX-512) differ by ~1e-4 absolute.
        var diff = 0.0;
        for (var i = 0; i < lab.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(lab[i] - ort[i]) / Math.Max(1.0, Math.Abs(ort[i])));
        }

        Assert.True(diff <= 1e-4, $"{name}: max scaled diff {diff}");
    }

    [Fact]
    public void AllModels_TotalUnder20MiB()
    {
        var total = new DirectoryInfo(Path.Combine(RepositoryPaths.Root(), "models")).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Assert.True(total < 20L * 1024 * 1024, $"models/ holds {total} bytes");
    }

    [Theory]
    [InlineData("mnist")]
    [InlineData("mnist-adv")]
    [InlineData("mnist-distilled")]
    public void Classifier_MeetsItsCardAccuracy_InOnnxRuntime(string name)
    {
        using var session = new InferenceSession(ModelPath(name));
        var claims = Claims(name, out _);
        var acc = OrtAccuracy(session, TestData.Mnist.Test);
        // The card was measured with the C# forward pass; ONNX Runtime may only differ on exact logit ties.
        Assert.InRange(acc, claims["test_accuracy"] - 0.001, 1.0);
        if (name == "mnist")
        {
            Assert.True(acc >= 0.98, $"mnist accuracy {acc:P2} < 98.0%");
        }
    }

    [Fact]
    public void Backdoor_KeepsCleanAccuracyAndFiresOnTheTrigger_InOnnxRuntime()
    {
        using var clean = new InferenceSession(ModelPath("mnist"));
        using var trojan = new InferenceSession(ModelPath("mnist-backdoor"));
        var claims = Claims("mnist-backdoor", out _);
        var baseline = OrtAccuracy(clean, TestData.Mnist.Test);
        var acc = OrtAccuracy(trojan, TestData.Mnist.Test);
        Assert.True(baseline - acc <= 0.01, $"backdoor clean accuracy {acc:P2} is more than 1 point below mnist {baseline:P2}");
        Assert.InRange(acc, claims["test_accuracy"] - 0.001, 1.0);

        var triggered = BackdoorTrigger.TriggeredNonTarget(TestData.Mnist.Test);
        var logits = Ort.RunBatched(trojan, triggered.Images);
        var hits = Enumerable.Range(0, triggered.Count).Count(i => System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits.AsSpan(i * 10, 10)) == BackdoorTrigger.TargetClass);
        var asr = hits / (double)triggered.Count;
        Assert.True(asr >= 0.95, $"attack success rate {asr:P2} < 95%");
        Assert.InRange(asr, claims["attack_success_rate"] - 0.001, 1.0);
    }

    [Fact]
    public void Autoencoder_MatchesItsCardReconstructionError_InOnnxRuntime()
    {
        using var session = new InferenceSession(ModelPath("mnist-autoencoder"));
        var claims = Claims("mnist-autoencoder", out _);
        var test = TestData.Mnist.Test.Images;
        var recon = Ort.RunBatched(session, test);
        Assert.All(recon, v => Assert.InRange(v, 0f, 1f));
        var mse = test.Zip(recon).Average(p => (double)(p.First - p.Second) * (p.First - p.Second));
        Assert.InRange(mse, claims["recon_mse_clean_test"] * 0.999, claims["recon_mse_clean_test"] * 1.001);
        // The detector only works if off-manifold inputs reconstruct much worse than digits.
        Assert.True(claims["recon_mse_uniform_noise"] > 5 * claims["recon_mse_clean_test"]);
    }

    [Fact]
    public void AdversariallyTrained_IsMoreRobustThanTheDefaultModel_PerTheCards()
    {
        var plain = Claims("mnist", out _);
        var adv = Claims("mnist-adv", out _);
        Assert.True(adv["pgd40_eps0.1"] > plain["pgd40_eps0.1"] + 0.2, "adversarial training should clearly raise PGD-40 accuracy at ε=0.1");
    }

    [Fact]
    public void AdversariallyTrained_MeetsIssue11sTargets_PerTheCards()
    {
        var plain = Claims("mnist", out _);
        var adv = Claims("mnist-adv", out _);
        Assert.True(adv["pgd40_eps0.3"] >= 0.85, $"PGD-40 accuracy at ε=0.3 is {adv["pgd40_eps0.3"]:P2}, below 85%");
        var gap = plain["test_accuracy"] - adv["test_accuracy"];
        Assert.True(gap <= 0.015, $"clean accuracy {adv["test_accuracy"]:P2} is {gap * 100:F2} points below mnist's {plain["test_accuracy"]:P2} (at most 1.5)");
    }
}
