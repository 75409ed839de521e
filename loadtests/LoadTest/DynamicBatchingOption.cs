using System.CommandLine;

namespace NeuralSec.LoadTest;

/// <summary><c>--dynamic-batching 0:8 --dynamic-batching 200:8</c> (one batched model server per value) and
/// <c>--auxiliary-batching 200:8</c> (one more defended sidecar per value, its detectors' autoencoder batched): the
/// settings, or a usage error naming the bad value.</summary>
internal static class DynamicBatchingOption
{
    /// <summary>The auxiliary model <c>--auxiliary-batching</c> batches: the shipped MNIST policy's autoencoder.</summary>
    public const string AuxiliaryModel = "mnist-autoencoder";

    public static Option<IReadOnlyList<BatchingSetting>?> Create() => Create(
        "--dynamic-batching",
        "with --self-host: also measure a second model server whose copy of the model's config.yaml turns dynamic batching on, DELAY_US:MAX_BATCH (queue delay in µs, most rows per execution), as the direct-batched path; give it again for more (at most 4)");

    public static Option<IReadOnlyList<BatchingSetting>?> CreateAuxiliary() => Create(
        "--auxiliary-batching",
        $"with --self-host and --defended-policies: also measure a defended sidecar under the first policy folder whose copy of {AuxiliaryModel}'s config.yaml turns dynamic batching on for the detectors' calls, DELAY_US:MAX_BATCH, as the defended-aux-batched path; give it again for more (at most 4)");

    private static Option<IReadOnlyList<BatchingSetting>?> Create(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "DELAY_US:MAX_BATCH",
        AllowMultipleArgumentsPerToken = false,
        CustomParser = result =>
        {
            if (result.Tokens.Count > BatchingSetting.MaxSettings)
            {
                result.AddError($"{name}: at most {BatchingSetting.MaxSettings}, got {result.Tokens.Count}");
                return null;
            }

            var settings = new List<BatchingSetting>(result.Tokens.Count);
            foreach (var token in result.Tokens)
            {
                if (!BatchingSetting.TryParse(token.Value, out var setting, out var error))
                {
                    result.AddError($"{name}: {error}");
                    return null;
                }

                if (settings.Contains(setting))
                {
                    result.AddError($"{name}: {token.Value} is given twice");
                    return null;
                }

                settings.Add(setting);
            }

            return settings;
        },
    };
}
