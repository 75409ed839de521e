using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using NeuralSec.Data;
using NeuralSec.Lab.Nn;

namespace NeuralSec.RedTeam.Poisoning;

/// <summary>
/// Poison crafting of Shafahi et al. (NeurIPS 2018, "Poison Frogs!", Algorithm 1): minimise ‖f(x) − f(t)‖² + β‖x − b‖² over the
/// poison x by forward-backward splitting — a gradient step on the feature-collision term (f = the frozen extractor, t = the
/// target), then the proximal step of the β term, x = (x̂ + λβb) / (1 + λβ), which pulls x back toward its base b in closed form;
/// pixels are clipped to [0, 1] as the reference clips to [0, 255]. The step λ is per poison and backtracks: a step that does not
/// lower the objective is thrown away and λ halved (the reference halves its learning rate when the objective rises); one that
/// does grows λ by a quarter. Every poison of the batch is independent, so one forward-backward pass serves them all.
/// </summary>
internal static class FeatureCollision
{
    /// <summary>The paper's β₀: β = β₀·(2048 / dim(b))² for InceptionV3's 2048 features (reference code, <c>coeffSimInp</c>).</summary>
    public const double PaperBetaCoefficient = 0.25;

    private const double InitialStepL2 = 0.5;
    private const double Grow = 1.25;
    private const double Shrink = 0.5;

    /// <summary>β₀·(D_f / D_in)²: the paper's rule for a <paramref name="featureDimension"/>-feature extractor of
    /// <paramref name="inputDimension"/>-pixel inputs, in the pixel units the poisons are optimised in.</summary>
    public static double PaperBeta(int featureDimension, int inputDimension) =>
        PaperBetaCoefficient * Math.Pow((double)featureDimension / inputDimension, 2);

    /// <param name="bases">n base digits (n·784 pixels in [0, 1]); poison i starts at base i and is pulled toward it.</param>
    /// <param name="targetFeatures">n·D features: the target each poison must collide with (repeated for poisons of one target).</param>
    /// <returns>The n poisons, n·784 pixels in [0, 1].</returns>
    public static float[] Craft(FeatureSpace space, float[] bases, float[] targetFeatures, double beta, int iterations)
    {
        var px = MnistSplit.Pixels;
        var n = bases.Length / px;
        if (targetFeatures.Length != n * space.Dimension)
        {
            throw new ArgumentException($"{n} bases need {n * space.Dimension} target features, got {targetFeatures.Length}", nameof(targetFeatures));
        }

        var x = (float[])bases.Clone();
        var (objective, gradient) = Evaluate(space, x, bases, targetFeatures, beta);
        var step = new double[n];
        for (var i = 0; i < n; i++)
        {
            var norm = TensorPrimitives.Norm(gradient.AsSpan(i * px, px));
            step[i] = norm > 0 ? InitialStepL2 / norm : 0;
        }

        var candidate = new float[x.Length];
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            for (var i = 0; i < n; i++)
            {
                var lambda = step[i];
                var pull = lambda * beta;
                for (var j = i * px; j < (i + 1) * px; j++)
                {
                    var forward = x[j] - (lambda * gradient[j]);
                    candidate[j] = (float)Math.Clamp((forward + (pull * bases[j])) / (1 + pull), 0, 1);
                }
            }

            var (candidateObjective, candidateGradient) = Evaluate(space, candidate, bases, targetFeatures, beta);
            for (var i = 0; i < n; i++)
            {
                if (candidateObjective[i] < objective[i])
                {
                    candidate.AsSpan(i * px, px).CopyTo(x.AsSpan(i * px, px));
                    candidateGradient.AsSpan(i * px, px).CopyTo(gradient.AsSpan(i * px, px));
                    objective[i] = candidateObjective[i];
                    step[i] *= Grow;
                }
                else
                {
                    step[i] *= Shrink;
                }
            }
        }

        return x;
    }

    /// <summary>Per poison: the whole objective, and the gradient of its feature-collision term (the forward step's).</summary>
    private static (double[] Objective, float[] Gradient) Evaluate(FeatureSpace space, float[] x, float[] bases, float[] targetFeatures, double beta)
    {
        var px = MnistSplit.Pixels;
        var d = space.Dimension;
        var n = x.Length / px;
        var features = space.Extractor.Forward(new Tensor([n, 1, MnistSplit.Rows, MnistSplit.Cols], (float[])x.Clone()));
        var outputGradient = new Tensor(features.Shape);
        var objective = new double[n];
        for (var i = 0; i < n; i++)
        {
            var f = features.Data.AsSpan(i * d, d);
            var t = targetFeatures.AsSpan(i * d, d);
            var g = outputGradient.Data.AsSpan(i * d, d);
            TensorPrimitives.Subtract(f, t, g);
            objective[i] = TensorPrimitives.Dot(g, g) + (beta * SquaredDistance(x.AsSpan(i * px, px), bases.AsSpan(i * px, px)));
            TensorPrimitives.Multiply(g, 2f, g);
        }

        var gradient = space.Extractor.Backward(outputGradient, accumulateParameterGradients: false).Data;
        return (objective, gradient);
    }

    public static double SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var s = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            var diff = (double)a[i] - b[i];
            s += diff * diff;
        }

        return s;
    }
}
