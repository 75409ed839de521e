using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NeuralSec.Lab.Attacks;

/// <summary>Metadata of one adversarial set; stored as the JSON header of the file.</summary>
public sealed record AdversarialSetHeader
{
    [JsonPropertyName("model")] public required string Model { get; init; }

    [JsonPropertyName("model_sha256")] public required string ModelSha256 { get; init; }

    /// <summary>fgsm | pgd | pgd-targeted.</summary>
    [JsonPropertyName("attack")] public required string Attack { get; init; }

    [JsonPropertyName("epsilon")] public required float Epsilon { get; init; }

    [JsonPropertyName("steps")] public required int Steps { get; init; }

    [JsonPropertyName("step_size")] public required float StepSize { get; init; }

    [JsonPropertyName("random_start")] public required bool RandomStart { get; init; }

    [JsonPropertyName("seed")] public required int Seed { get; init; }

    [JsonPropertyName("count")] public required int Count { get; init; }

    /// <summary>Item shape [C,H,W] = [1,28,28].</summary>
    [JsonPropertyName("shape")] public required int[] Shape { get; init; }
}

/// <summary>
/// Adversarial digits written by <c>neuralsec-lab attack</c> (format in docs/lab.md): gzip of
/// magic "NSADV001", int32 header length, UTF-8 JSON header, float32 images [count,1,28,28],
/// uint8 true labels, int8 target labels (−1 = untargeted), int32 test-split indices, uint8 model predictions on the adversarial images.
/// </summary>
public sealed class AdversarialSet
{
    public const string Magic = "NSADV001";
    public const string Extension = ".nsadv.gz";

    public required AdversarialSetHeader Header { get; init; }

    public required float[] Images { get; init; }

    public required byte[] Labels { get; init; }

    public required sbyte[] Targets { get; init; }

    /// <summary>Index into <see cref="Data.MnistDataset.Test"/> of each clean original.</summary>
    public required int[] TestIndices { get; init; }

    public required byte[] Predictions { get; init; }

    public int Count => Labels.Length;

    /// <summary>Untargeted: prediction ≠ label. Targeted: prediction = target.</summary>
    public bool Succeeded(int i) => Targets[i] < 0 ? Predictions[i] != Labels[i] : Predictions[i] == Targets[i];

    public void Write(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var file = File.Create(path);
        using var gz = new GZipStream(file, CompressionLevel.Optimal);
        using var w = new BinaryWriter(gz);
        var header = JsonSerializer.SerializeToUtf8Bytes(Header);
        w.Write(Encoding.ASCII.GetBytes(Magic));
        w.Write(header.Length);
        w.Write(header);
        foreach (var v in Images)
        {
            w.Write(v);
        }

        w.Write(Labels);
        foreach (var t in Targets)
        {
            w.Write(t);
        }

        foreach (var i in TestIndices)
        {
            w.Write(i);
        }

        w.Write(Predictions);
    }

    public static AdversarialSet Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new LabException($"adversarial set not found: {path}");
        }

        try
        {
            using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
            using var r = new BinaryReader(gz);
            if (Encoding.ASCII.GetString(r.ReadBytes(8)) != Magic)
            {
                throw new LabException($"not an adversarial set (bad magic): {path}");
            }

            var header = JsonSerializer.Deserialize<AdversarialSetHeader>(r.ReadBytes(r.ReadInt32()))
                ?? throw new LabException($"adversarial set has an empty header: {path}");
            var n = header.Count;
            var item = header.Shape.Aggregate(1, (a, b) => a * b);
            var images = new float[n * item];
            for (var i = 0; i < images.Length; i++)
            {
                images[i] = r.ReadSingle();
            }

            var labels = r.ReadBytes(n);
            var targets = r.ReadBytes(n).Select(b => unchecked((sbyte)b)).ToArray();
            var indices = new int[n];
            for (var i = 0; i < n; i++)
            {
                indices[i] = r.ReadInt32();
            }

            var predictions = r.ReadBytes(n);
            if (predictions.Length != n)
            {
                throw new LabException($"adversarial set is truncated: {path}");
            }

            return new AdversarialSet { Header = header, Images = images, Labels = labels, Targets = targets, TestIndices = indices, Predictions = predictions };
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or JsonException)
        {
            throw new LabException($"adversarial set is corrupt: {path} ({e.Message})", e);
        }
    }
}
