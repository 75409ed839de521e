using NeuralSec.Detectors;
using NeuralSec.Detectors.Images;
using NeuralSec.Detectors.Preprocessing;

namespace NeuralSec.RedTeam.Attacks;

/// <summary>A preprocessing chain as a policy would list it, built by the gateway's own <see cref="DefenseFactory"/>.</summary>
internal sealed class PurificationChain
{
    private readonly IPreprocessor[] _steps;

    private PurificationChain(string name, IPreprocessor[] steps, bool isPixelSelection = false)
    {
        Name = name;
        _steps = steps;
        IsPixelSelection = isPixelSelection;
    }

    public string Name { get; }

    /// <summary>Every output pixel is a copy of one input pixel or padding, chosen by the random draw only (nearest-neighbour
    /// resize and pad): the chain is then exactly differentiable, and <see cref="SelectionMap"/> recovers the selection.</summary>
    public bool IsPixelSelection { get; }

    public bool IsRandomized => _steps.Any(s => s.IsRandomized);

    public bool IsIdentity => _steps.Length == 0;

    /// <summary>The evaluated chains: bit depth 1, bit depth 5 + median 2×2, JPEG q75, random resize-and-pad, Gaussian blur.</summary>
    public static IReadOnlyList<PurificationChain> Standard() =>
    [
        Create("bitDepth(1)", ("bitDepth", Opt("bits", 1L))),
        Create("bitDepth(5) → median(2)", ("bitDepth", Opt("bits", 5L)), ("median", Opt("size", 2L))),
        Create("jpeg(q=75)", ("jpeg", Opt("quality", 75L))),
        new("randomResizePad(minScale 0.9, nearest)", [DefenseFactory.CreatePreprocessor("randomResizePad", Opt("interpolation", "nearest"))], isPixelSelection: true),
        Create("gaussianBlur(σ=1)", ("gaussianBlur", Opt("sigma", 1.0))),
    ];

    public static PurificationChain None { get; } = new("none", []);

    public static PurificationChain Create(string name, params (string Type, IReadOnlyDictionary<string, object>? Options)[] steps) =>
        new(name, steps.Select(s => DefenseFactory.CreatePreprocessor(s.Type, s.Options)).ToArray());

    /// <summary>A purified copy of <paramref name="images"/> (NCHW 1×28×28 in [0,1]); random draws per image from
    /// <paramref name="random"/>, as the gateway draws from the request's source.</summary>
    public float[] Apply(ReadOnlySpan<float> images, Random random)
    {
        var copy = images.ToArray();
        if (_steps.Length > 0)
        {
            var batch = Evaluation.Digits.AsBatch(copy);
            foreach (var step in _steps)
            {
                step.Apply(batch, random);
            }
        }

        return copy;
    }

    /// <summary>
    /// For a pixel-selection chain, the source pixel of every output pixel (−1 for padding) of <paramref name="count"/> images
    /// under the draws <paramref name="random"/> yields: the chain is run on images whose pixel i holds the exactly
    /// representable value (i+1)/1024, which nearest-neighbour copies unchanged, so each output value names its source.
    /// Needs a fresh <see cref="Random"/> seeded as the one used on the real images (draws do not depend on pixel values).
    /// </summary>
    public int[] SelectionMap(int count, Random random)
    {
        const int pixels = AdversarialBatch.Pixels;
        if (!IsPixelSelection)
        {
            throw new InvalidOperationException($"chain '{Name}' is not a pixel selection");
        }

        var index = new float[count * pixels];
        for (var i = 0; i < index.Length; i++)
        {
            index[i] = ((i % pixels) + 1) / 1024f;
        }

        var mapped = Apply(index, random);
        var map = new int[mapped.Length];
        for (var i = 0; i < mapped.Length; i++)
        {
            var code = mapped[i] * 1024f;
            var source = (int)MathF.Round(code) - 1;
            if (mapped[i] != 0f && (source < 0 || source >= pixels || code != source + 1))
            {
                throw new InvalidOperationException($"chain '{Name}' produced {mapped[i]} from an index image: not a pure pixel selection");
            }

            map[i] = mapped[i] == 0f ? -1 : source;
        }

        return map;
    }

    private static Dictionary<string, object> Opt(string name, object value) => new(StringComparer.Ordinal) { [name] = value };
}
