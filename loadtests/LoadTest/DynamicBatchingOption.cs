using System.CommandLine;

namespace NeuralSec.LoadTest;

/// <summary><c>--dynamic-batching 0:8 --dynamic-batching 200:8</c>: one batched model server per value, or a usage
/// error naming the bad value.</summary>
internal static class DynamicBatchingOption
{
    public static Option<IReadOnlyList<BatchingSetting>?> Create() => new("--dynamic-batching")
    {
        Description = "with --self-host: also measure a second model server whose copy of the model's config.yaml turns dynamic batching on, DELAY_US:MAX_BATCH (queue delay in µs, most rows per execution), as the direct-batched path; give it again for more (at most 4)",
        HelpName = "DELAY_US:MAX_BATCH",
        AllowMultipleArgumentsPerToken = false,
        CustomParser = result =>
        {
            if (result.Tokens.Count > BatchingSetting.MaxSettings)
            {
                result.AddError($"--dynamic-batching: at most {BatchingSetting.MaxSettings}, got {result.Tokens.Count}");
                return null;
            }

            var settings = new List<BatchingSetting>(result.Tokens.Count);
            foreach (var token in result.Tokens)
            {
                if (!BatchingSetting.TryParse(token.Value, out var setting, out var error))
                {
                    result.AddError($"--dynamic-batching: {error}");
                    return null;
                }

                if (settings.Contains(setting))
                {
                    result.AddError($"--dynamic-batching: {token.Value} is given twice");
                    return null;
                }

                settings.Add(setting);
            }

            return settings;
        },
    };
}
