namespace NeuralSec.Detectors.Images;

/// <summary>
/// How the model's input values relate to pixel intensities: a raw pixel value <c>v</c> lies in
/// [<see cref="Min"/>, <see cref="Max"/>] (e.g. [0, 1] or [0, 255]) and the model sees
/// <c>x = (v − Mean[c]) / Std[c]</c> (torchvision-style standardisation; Mean 0 and Std 1 when the model takes raw pixels).
/// Image defenses work in pixel units <c>p = (v − Min) / (Max − Min)</c> ∈ [0, 1] and map back afterwards, so a standardised
/// input is never clipped to [0, 1] as if it were a pixel — the classic JPEG-defense pitfall.
/// </summary>
public sealed record ImageScaling
{
    /// <summary>Raw pixels in [0, 1], no standardisation (the MNIST fixture models).</summary>
    public static ImageScaling UnitRange { get; } = new(0, 1);

    public ImageScaling(double min, double max, IReadOnlyList<double>? mean = null, IReadOnlyList<double>? std = null)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || !(max > min))
        {
            throw new ArgumentException($"image value range must be finite with max > min, got [{min}, {max}]", nameof(max));
        }

        mean ??= [0.0];
        std ??= [1.0];
        if (mean.Count == 0 || std.Count == 0 || mean.Any(m => !double.IsFinite(m)) || std.Any(s => !double.IsFinite(s) || s <= 0))
        {
            throw new ArgumentException("normalisation mean must be finite numbers and std positive finite numbers (one value, or one per channel)", nameof(std));
        }

        Min = min;
        Max = max;
        Mean = mean.ToArray();
        Std = std.ToArray();
    }

    public double Min { get; }

    public double Max { get; }

    /// <summary>Per-channel mean subtracted after the range (one value for all channels, or one per channel).</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>Per-channel divisor applied after the mean (one value for all channels, or one per channel).</summary>
    public IReadOnlyList<double> Std { get; }

    /// <summary>True when model values are already pixel units (range [0, 1], no standardisation): no conversion needed.</summary>
    public bool IsIdentity => Min == 0 && Max == 1 && Mean.All(m => m == 0) && Std.All(s => s == 1);

    /// <summary>Null when the scaling fits <paramref name="channels"/>; otherwise why not.</summary>
    public string? CheckChannels(int channels) =>
        (Mean.Count is 1 || Mean.Count == channels) && (Std.Count is 1 || Std.Count == channels)
            ? null
            : $"normalisation has {Mean.Count} mean and {Std.Count} std values; the image has {channels} channel(s) (give one value or one per channel)";

    /// <summary>Coefficients of <c>p = x·scale + offset</c> for channel <paramref name="channel"/>.</summary>
    internal (float Scale, float Offset) ToPixel(int channel)
    {
        var mean = Mean[Mean.Count == 1 ? 0 : channel];
        var std = Std[Std.Count == 1 ? 0 : channel];
        var range = Max - Min;
        return ((float)(std / range), (float)((mean - Min) / range));
    }

    public bool Equals(ImageScaling? other) =>
        other is not null && Min == other.Min && Max == other.Max && Mean.SequenceEqual(other.Mean) && Std.SequenceEqual(other.Std);

    public override int GetHashCode() => HashCode.Combine(Min, Max, Mean.Count, Std.Count);
}
