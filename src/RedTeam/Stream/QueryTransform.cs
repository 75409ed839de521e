using NeuralSec.Data;

namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// The OARS-style adaptive attacker's disguise (Feng et al., CCS 2023): every query is a fresh random transform of the
/// point the attack wants scored — a shift of up to <see cref="MaxShift"/> pixels, a brightness factor within
/// ±<see cref="Brightness"/> and uniform noise of ±<see cref="Noise"/> per pixel — so no two queries share their
/// salted, quantised windows, while the model's answer barely moves.
/// </summary>
/// <para>With <see cref="MaxDegrees"/> or <see cref="MaxScale"/> set, the transform also rotates and rescales about the
/// centre (bilinear): the disguise of an attacker who knows the near-duplicate index fingerprints a centred view, which
/// undoes a shift but not a rotation or a change of size. With <see cref="MaxShear"/> set it also slants the image: the
/// disguise of an attacker who knows the view is also turned upright and scaled to a standard size, which undoes a
/// rotation and a rescaling but not a shear.</para>
internal sealed record QueryTransform(int MaxShift = 1, float Brightness = 0.1f, float Noise = 0.04f, float MaxDegrees = 0, float MaxScale = 0, float MaxShear = 0)
{
    /// <summary>The view-aware disguise: up to ±10° of rotation and ±10 % of size on top of the OARS-style one.</summary>
    public static QueryTransform ViewAware { get; } = new(MaxDegrees: 10, MaxScale: 0.1f);

    /// <summary>The disguise against the upright view: the view-aware one plus a shear of up to ±0.2 (about ±11°).</summary>
    public static QueryTransform UprightAware { get; } = ViewAware with { MaxShear = 0.2f };

    private bool IsGeometric => MaxDegrees > 0 || MaxScale > 0 || MaxShear > 0;

    /// <summary>This transform with every continuous magnitude (brightness, noise, rotation, rescaling, shear)
    /// multiplied by <paramref name="magnitude"/>; the integer shift stays as it is.</summary>
    public QueryTransform Scaled(float magnitude)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(magnitude);
        return this with
        {
            Brightness = Brightness * magnitude,
            Noise = Noise * magnitude,
            MaxDegrees = MaxDegrees * magnitude,
            MaxScale = MaxScale * magnitude,
            MaxShear = MaxShear * magnitude,
        };
    }

    /// <summary>What the transform does, for a report: "±1 px shift, ×[0.9, 1.1] brightness, ±0.04 uniform noise", and the
    /// rotation and rescaling when set.</summary>
    public string Describe()
    {
        var c = System.Globalization.CultureInfo.InvariantCulture;
        var text = string.Create(c, $"±{MaxShift} px shift, ×[{1 - Brightness:0.0##}, {1 + Brightness:0.0##}] brightness, ±{Noise:0.0##} uniform noise");
        if (!IsGeometric)
        {
            return text;
        }

        text += string.Create(c, $", and a rotation of up to ±{MaxDegrees:0.#}° and a rescaling of up to ±{MaxScale * 100:0.#} % about the centre");
        return MaxShear > 0 ? text + string.Create(c, $" and a shear of up to ±{MaxShear:0.0#}") : text;
    }

    public float[] Apply(ReadOnlySpan<float> image, Random random) => Draw(random).Apply(image);

    /// <summary>One random draw of the transform's parameters (and its noise), so the same transform can be applied
    /// again — to the clean digit, to tell the attack's success from the transform's (<see cref="DisguiseBaseline"/>).</summary>
    public QueryTransformDraw Draw(Random random)
    {
        // The order of the draws is the one Apply always had, so a seed replays the same queries.
        var (degrees, scale, shear) = (0f, 1f, 0f);
        if (IsGeometric)
        {
            degrees = MaxDegrees * ((2 * random.NextSingle()) - 1);
            scale = 1 + (MaxScale * ((2 * random.NextSingle()) - 1));
            shear = MaxShear > 0 ? MaxShear * ((2 * random.NextSingle()) - 1) : 0;
        }

        var dx = random.Next(-MaxShift, MaxShift + 1);
        var dy = random.Next(-MaxShift, MaxShift + 1);
        var gain = 1f + (Brightness * ((2 * random.NextSingle()) - 1));
        var noise = new float[MnistSplit.Pixels];
        for (var p = 0; p < noise.Length; p++)
        {
            noise[p] = Noise * ((2 * random.NextSingle()) - 1);
        }

        return new QueryTransformDraw(IsGeometric, degrees, scale, shear, dx, dy, gain, noise);
    }
}
