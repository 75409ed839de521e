using System.Buffers;
using System.Numerics.Tensors;
using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Detection.Strip;

/// <summary>
/// STRIP (Gao et al. — ACSAC 2019) against backdoor triggers; LOW is suspicious. Each input is superimposed on N clean images
/// drawn uniformly with replacement from the pool (the request's random source) by plain addition with weights 1 and 1 in pixel
/// units — cv2.addWeighted(x, 1, overlay, 1, 0) as in the reference notebook, which does not clip (optional here: to [0, 1]). A trigger
/// survives the blend and keeps the prediction fixed, so the mean Shannon entropy (bits) of the N predictions is low; it is
/// divided by log2(classes) when normalising, so a uniform prediction scores 1. All N·batch blends go in one model call.
/// </summary>
internal sealed class StripDetector : IDetector
{
    private readonly float[] _pool;
    private readonly int _poolCount;
    private readonly (int Channels, int Height, int Width) _geometry;

    /// <param name="options">Validated options.</param>
    /// <param name="pool">The clean overlays, in any layout and scaling (kept as pixel-unit planes).</param>
    public StripDetector(StripOptions options, ImageBatch pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (options.Samples < 1)
        {
            throw new ArgumentException("STRIP needs at least one sample", nameof(options));
        }

        if (pool.Count == 0)
        {
            throw new ArgumentException($"STRIP pool '{options.Pool}' has no images", nameof(pool));
        }

        Options = options;
        _pool = new float[pool.Data.Length];
        PixelSpace.ToPixels(pool, _pool);
        _poolCount = pool.Count;
        _geometry = (pool.Channels, pool.Height, pool.Width);
    }

    public StripOptions Options { get; }

    public string Type => StripDefinition.Type;

    public bool FlagsBelowThreshold => true;

    public IReadOnlyList<string> AuxiliaryModels => [];

    public async ValueTask<DetectorResult> ScoreAsync(ImageBatch batch, DetectionContext context, CancellationToken cancellationToken)
    {
        if ((batch.Channels, batch.Height, batch.Width) != _geometry)
        {
            throw new ImageTensorException($"STRIP pool '{Options.Pool}' holds {_geometry.Channels}×{_geometry.Height}×{_geometry.Width} images; the input's are {batch.Channels}×{batch.Height}×{batch.Width}");
        }

        if (batch.Count == 0)
        {
            return new DetectorResult([], FlagsBelowThreshold);
        }

        int samples = Options.Samples, size = batch.ImageSize, total = batch.Count * samples;
        var input = ArrayPool<float>.Shared.Rent(batch.Data.Length);
        var blends = ArrayPool<float>.Shared.Rent(total * size);
        var model = ArrayPool<float>.Shared.Rent(total * size);
        float[] logits;
        try
        {
            PixelSpace.ToPixels(batch, input);
            for (var n = 0; n < batch.Count; n++)
            {
                var x = input.AsSpan(n * size, size);
                for (var s = 0; s < samples; s++)
                {
                    var overlay = _pool.AsSpan(context.Random.Next(_poolCount) * size, size);
                    var blend = blends.AsSpan(((n * samples) + s) * size, size);
                    TensorPrimitives.Add(x, overlay, blend);
                    if (Options.Clip)
                    {
                        TensorPrimitives.Max(blend, 0f, blend);
                        TensorPrimitives.Min(blend, 1f, blend);
                    }
                }
            }

            // Back to the model's own layout and scaling for the call.
            var blendBatch = batch.WithData(model.AsMemory(0, total * size), total);
            PixelSpace.FromPixels(blends.AsSpan(0, total * size), blendBatch);
            logits = await context.Model.RunAsync(blendBatch, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
            ArrayPool<float>.Shared.Return(blends);
            ArrayPool<float>.Shared.Return(model);
        }

        return new DetectorResult(Entropies(logits, batch.Count), FlagsBelowThreshold);
    }

    private double[] Entropies(float[] logits, int count)
    {
        var samples = Options.Samples;
        var classes = Probabilities.Classes(logits, count * samples, "the model");
        Probabilities.SoftmaxRows(logits, classes);
        var norm = Options.Normalize && classes > 1 ? Math.Log2(classes) : 1.0;
        var scores = new double[count];
        for (var n = 0; n < count; n++)
        {
            double sum = 0;
            for (var s = 0; s < samples; s++)
            {
                sum += Probabilities.EntropyBits(logits.AsSpan(((n * samples) + s) * classes, classes));
            }

            scores[n] = sum / samples / norm;
        }

        return scores;
    }
}
