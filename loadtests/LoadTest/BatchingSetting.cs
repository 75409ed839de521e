using System.Globalization;

namespace NeuralSec.LoadTest;

/// <summary>One <c>--dynamic-batching DELAY_US:MAX_BATCH</c>: a second model server whose copy of the model's
/// <c>config.yaml</c> turns dynamic batching on with these values (models/README.md, "Dynamic batching").</summary>
internal readonly record struct BatchingSetting(int MaxQueueDelayMicroseconds, int MaxBatchSize)
{
    /// <summary>The most batched model servers one run starts: each is one more process and one more path.</summary>
    public const int MaxSettings = 4;

    /// <summary>The bounds the model server itself enforces (dynamicBatching in config.yaml).</summary>
    public const int MaxQueueDelayLimit = 1_000_000;

    public const int MaxBatchLimit = 65_536;

    /// <summary>"delay 200 µs, max 8": the path's description in tables.</summary>
    public string Label => string.Create(CultureInfo.InvariantCulture, $"delay {MaxQueueDelayMicroseconds} µs, max {MaxBatchSize}");

    /// <summary>The <c>dynamicBatching</c> section of the model server's config.yaml.</summary>
    public string Yaml => string.Create(
        CultureInfo.InvariantCulture,
        $"dynamicBatching:\n  maxQueueDelayMicroseconds: {MaxQueueDelayMicroseconds}\n  maxBatchSize: {MaxBatchSize}\n");

    /// <summary>Parses <c>200:8</c>; false with the reason otherwise.</summary>
    public static bool TryParse(string text, out BatchingSetting setting, out string? error)
    {
        setting = default;
        var pair = text.Split(':', StringSplitOptions.TrimEntries);
        if (pair.Length != 2
            || !int.TryParse(pair[0], NumberStyles.None, CultureInfo.InvariantCulture, out var delay)
            || !int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            error = $"'{text}' is not DELAY_US:MAX_BATCH (e.g. 200:8)";
            return false;
        }

        if (delay > MaxQueueDelayLimit)
        {
            error = $"queue delay {delay} µs in '{text}' is not in [0, {MaxQueueDelayLimit}]";
            return false;
        }

        if (size < 2 || size > MaxBatchLimit)
        {
            error = $"batch size {size} in '{text}' is not in [2, {MaxBatchLimit}]";
            return false;
        }

        setting = new BatchingSetting(delay, size);
        error = null;
        return true;
    }
}
