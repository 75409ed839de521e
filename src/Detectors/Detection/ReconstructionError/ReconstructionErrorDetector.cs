using System.Buffers;
using NeuralSec.Detectors.Images;

namespace NeuralSec.Detectors.Detection.ReconstructionError;

/// <summary>
/// MagNet (Meng &amp; Chen — CCS 2017) detectors; high is suspicious. Error: mean over pixels of |x − AE(x)|^p in pixel units
/// (no root), one autoencoder call. Divergence: Jensen–Shannon divergence (nats) between the classifier's softmax at
/// temperature T on x and on AE(x); one autoencoder call, then one classifier call on [x₁…x_N, AE(x₁)…AE(x_N)].
/// </summary>
internal sealed class ReconstructionErrorDetector : IDetector
{
    public ReconstructionErrorDetector(ReconstructionErrorOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Autoencoder);
        if (options.Power is not (1 or 2) || !(options.Temperature > 0))
        {
            throw new ArgumentException("reconstruction error needs p 1 or 2 and a positive temperature", nameof(options));
        }

        Options = options;
        AuxiliaryModels = [options.Autoencoder];
    }

    public ReconstructionErrorOptions Options { get; }

    public string Type => ReconstructionErrorDefinition.Type;

    public bool FlagsBelowThreshold => false;

    public IReadOnlyList<string> AuxiliaryModels { get; }

    public async ValueTask<DetectorResult> ScoreAsync(ImageBatch batch, DetectionContext context, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return new DetectorResult([], FlagsBelowThreshold);
        }

        var autoencoder = context.GetModel(Options.Autoencoder);
        var reconstruction = await autoencoder.RunAsync(batch, cancellationToken).ConfigureAwait(false);
        if (reconstruction.Length != batch.Data.Length)
        {
            throw new InvalidOperationException($"autoencoder '{Options.Autoencoder}' returned {reconstruction.Length} values for an input of {batch.Data.Length}; it must reconstruct the input's shape");
        }

        var scores = Options.Metric == ReconstructionMetric.Error
            ? Errors(batch, reconstruction)
            : await DivergencesAsync(batch, reconstruction, context, cancellationToken).ConfigureAwait(false);
        return new DetectorResult(scores, FlagsBelowThreshold);
    }

    private double[] Errors(ImageBatch batch, float[] reconstruction)
    {
        var length = batch.Data.Length;
        var rented = ArrayPool<float>.Shared.Rent(2 * length);
        try
        {
            // Pixel units, so the score (and the threshold calibrated for it) does not depend on the model's scaling.
            var input = rented.AsSpan(0, length);
            var output = rented.AsSpan(length, length);
            PixelSpace.ToPixels(batch, input);
            PixelSpace.ToPixels(batch.WithData(reconstruction, batch.Count), output);
            var scores = new double[batch.Count];
            var size = batch.ImageSize;
            for (var n = 0; n < batch.Count; n++)
            {
                var x = input.Slice(n * size, size);
                var r = output.Slice(n * size, size);
                double sum = 0;
                for (var i = 0; i < size; i++)
                {
                    double d = Math.Abs(x[i] - r[i]);
                    sum += Options.Power == 1 ? d : d * d;
                }

                scores[n] = sum / size;
            }

            return scores;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    private async ValueTask<double[]> DivergencesAsync(ImageBatch batch, float[] reconstruction, DetectionContext context, CancellationToken cancellationToken)
    {
        int count = batch.Count, length = batch.Data.Length;
        var rented = ArrayPool<float>.Shared.Rent(2 * length);
        float[] logits;
        try
        {
            batch.Span.CopyTo(rented);
            reconstruction.CopyTo(rented, length);
            logits = await context.Model.RunAsync(batch.WithData(rented.AsMemory(0, 2 * length), 2 * count), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }

        var classes = Probabilities.Classes(logits, 2 * count, "the model");
        Probabilities.SoftmaxRows(logits, classes, (float)Options.Temperature);
        var scores = new double[count];
        for (var n = 0; n < count; n++)
        {
            scores[n] = Probabilities.JensenShannon(logits.AsSpan(n * classes, classes), logits.AsSpan((count + n) * classes, classes));
        }

        return scores;
    }
}
