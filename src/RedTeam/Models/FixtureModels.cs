using System.Security.Cryptography;
using NeuralSec.Data;
using NeuralSec.Lab;
using NeuralSec.Lab.Nn;
using NeuralSec.Lab.Onnx;

namespace NeuralSec.RedTeam.Models;

/// <summary>The committed fixture models (models/repository/&lt;name&gt;/1/model.onnx), read back with the lab's importer.</summary>
internal sealed class FixtureModels
{
    public const string Classifier = "mnist";
    public const string Backdoor = "mnist-backdoor";
    public const string Autoencoder = "mnist-autoencoder";
    public const string Adversarial = "mnist-adv";
    public const string Distilled = "mnist-distilled";

    private static readonly int[] MnistInput = [1, 28, 28];

    private readonly string _repository;
    private readonly Dictionary<string, NetworkModelRunner> _loaded = new(StringComparer.Ordinal);

    public FixtureModels(string? repository = null)
    {
        _repository = repository ?? RepositoryPaths.ModelRepository();
    }

    public string PathOf(string name) => Path.Combine(_repository, name, "1", "model.onnx");

    /// <summary>Loads (once) and checks the model's geometry: classifiers output 10 logits, the autoencoder its input shape.</summary>
    public NetworkModelRunner Get(string name)
    {
        if (_loaded.TryGetValue(name, out var runner))
        {
            return runner;
        }

        Network net;
        try
        {
            net = OnnxImporter.Load(PathOf(name));
        }
        catch (LabException e)
        {
            throw new RedTeamException(e.Message, e);
        }

        var expected = name == Autoencoder ? MnistInput : [10];
        if (!net.InputShape.SequenceEqual(MnistInput) || !net.OutputShape.SequenceEqual(expected))
        {
            throw new RedTeamException($"{PathOf(name)}: expected [batch,1,28,28] → [batch,{string.Join(",", expected)}], got [batch,{string.Join(",", net.InputShape)}] → [batch,{string.Join(",", net.OutputShape)}]");
        }

        runner = new NetworkModelRunner(name, net);
        _loaded[name] = runner;
        return runner;
    }

    public string Sha256(string name) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(PathOf(name))));
}
