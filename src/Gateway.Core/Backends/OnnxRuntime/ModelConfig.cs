using System.Text.RegularExpressions;
using NeuralSec.Text;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace NeuralSec.Gateway.Backends.OnnxRuntime;

/// <summary>
/// The optional <c>config.yaml</c> beside a model's version folders — NeuralSec's small counterpart of Triton's
/// config.pbtxt: what the ONNX graph cannot say, such as the value range of an input or the largest batch.
/// </summary>
internal sealed partial class ModelConfig
{
    public const string FileName = "config.yaml";

    /// <summary>Largest batch the model accepts.</summary>
    public int? MaxBatch { get; set; }

    /// <summary>Per input tensor: its allowed value range.</summary>
    public Dictionary<string, InputConfig> Inputs { get; set; } = [];

    /// <summary>Batch concurrent requests into one execution (off when absent).</summary>
    public DynamicBatchingConfig? DynamicBatching { get; set; }

    public sealed class InputConfig
    {
        /// <summary>[min, max], inclusive.</summary>
        public List<double>? Range { get; set; }
    }

    /// <summary>A model folder's <see cref="FileName"/> read as <see cref="Load"/> does, or the defaults where the folder
    /// has none.</summary>
    public static ModelConfig LoadOrDefault(string path) => File.Exists(path) ? Load(path) : new ModelConfig();

    /// <summary>Reads a config file strictly: unknown keys are errors, so a typo cannot silently drop a check.</summary>
    public static ModelConfig Load(string path)
    {
        var deserializer = new DeserializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .WithDuplicateKeyChecking()
            .Build();
        try
        {
            using var reader = File.OpenText(path);
            var config = deserializer.Deserialize<ModelConfig?>(reader) ?? new ModelConfig();
            config.Check(path);
            return config;
        }
        catch (YamlException ex)
        {
            var reason = UnknownKey().Match(ex.Message) is { Success: true } unknown
                ? UnknownKeyMessage(unknown.Groups["key"].Value, unknown.Groups["type"].Value)
                : ex.InnerException?.Message ?? ex.Message;
            throw new InvalidDataException($"{path}:{ex.Start.Line}:{ex.Start.Column}: {reason}", ex);
        }
    }

    /// <summary>"unknown key 'maxQueueDelay' in dynamicBatching; did you mean 'maxQueueDelayMicroseconds'?" for
    /// YamlDotNet's "Property 'maxQueueDelay' not found on type 'NeuralSec…DynamicBatchingConfig'".</summary>
    private static string UnknownKeyMessage(string key, string typeName)
    {
        var (section, type) = typeName switch
        {
            _ when typeName == typeof(DynamicBatchingConfig).FullName => ("dynamicBatching", typeof(DynamicBatchingConfig)),
            _ when typeName == typeof(InputConfig).FullName => ("inputs.<name>", typeof(InputConfig)),
            _ => ("the top level", typeof(ModelConfig)),
        };
        var keys = type.GetProperties().Select(p => CamelCaseNamingConvention.Instance.Apply(p.Name)).ToArray();
        var hint = Suggestions.Hint(key, keys);
        return $"unknown key '{key}' in {section}{(hint.Length > 0 ? hint : $"; allowed: {string.Join(", ", keys)}")}";
    }

    private void Check(string path)
    {
        if (MaxBatch is < 1)
        {
            throw new InvalidDataException($"{path}: maxBatch must be at least 1");
        }

        foreach (var (name, input) in Inputs)
        {
            if (input.Range is { } range && (range.Count != 2 || !(range[0] <= range[1])))
            {
                throw new InvalidDataException($"{path}: inputs.{name}.range must be [min, max] with min <= max");
            }
        }

        if (DynamicBatching?.Check(MaxBatch).ToList() is { Count: > 0 } errors)
        {
            throw new InvalidDataException($"{path}: {string.Join("; ", errors)}");
        }
    }

    [GeneratedRegex(@"Property '(?<key>[^']*)' not found on type '(?<type>[^']*)'")]
    private static partial Regex UnknownKey();
}
