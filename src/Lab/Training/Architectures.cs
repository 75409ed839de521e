using NeuralSec.Lab.Nn;

namespace NeuralSec.Lab.Training;

/// <summary>The two network shapes behind every fixture model.</summary>
internal static class Architectures
{
    public static readonly int[] MnistInput = [1, 28, 28];

    /// <summary>
    /// LeNet-style CNN: conv5×5(16) → ReLU → maxpool → conv5×5(32) → ReLU → maxpool → dense(128) → ReLU → dense(10).
    /// Valid convolutions keep it cheap (≈1.1 M multiply-adds per digit); with dropout and affine jitter it reaches ≥98% on 8,000 digits.
    /// </summary>
    public static Network Classifier(int seed) => LeNet(seed, dropout: 0.4f);

    /// <summary>
    /// The same shape without dropout, for adversarial training: at ε=0.3 the network underfits the adversarial loss
    /// rather than overfitting it, and dropout only slows the fit (measured: PGD-40 accuracy 32.5% with, 40.3% without,
    /// under otherwise equal one-step training). The ONNX export is identical in shape to <see cref="Classifier"/>.
    /// </summary>
    public static Network RobustClassifier(int seed) => LeNet(seed, dropout: 0f);

    private static Network LeNet(int seed, float dropout)
    {
        List<ILayer> layers =
        [
            new Conv2d(1, 16, 5, 0), new Relu(), new MaxPool2d(),
            new Conv2d(16, 32, 5, 0), new Relu(), new MaxPool2d(),
            new Flatten(), new Dense(32 * 4 * 4, 128), new Relu(),
        ];
        if (dropout > 0)
        {
            layers.Add(new Dropout(dropout, seed));
        }

        layers.Add(new Dense(128, 10));
        var net = new Network(MnistInput, layers);
        Init.He(net, seed);
        return net;
    }

    public const string ClassifierDescription =
        "Conv(1→16, 5×5, valid) → ReLU → MaxPool 2×2 → Conv(16→32, 5×5, valid) → ReLU → MaxPool 2×2 → Flatten(512) → Gemm(512→128) → ReLU → [Dropout 0.4, training only] → Gemm(128→10)";

    public const string RobustClassifierDescription =
        "Conv(1→16, 5×5, valid) → ReLU → MaxPool 2×2 → Conv(16→32, 5×5, valid) → ReLU → MaxPool 2×2 → Flatten(512) → Gemm(512→128) → ReLU → Gemm(128→10) (as `mnist`, without dropout)";

    /// <summary>
    /// MagNet "AE I"-shaped convolutional autoencoder (3×3 same-padded convs, 2×2 average pool, ×2 nearest upsample),
    /// widened to 8 channels and with ReLU hidden units (MagNet used 3 sigmoid channels) for faster training.
    /// </summary>
    public static Network Autoencoder(int seed)
    {
        var net = new Network(MnistInput,
        [
            new Conv2d(1, 8, 3, 1), new Relu(), new AvgPool2d(),
            new Conv2d(8, 8, 3, 1), new Relu(),
            new Conv2d(8, 8, 3, 1), new Relu(), new Upsample2d(),
            new Conv2d(8, 8, 3, 1), new Relu(),
            new Conv2d(8, 1, 3, 1), new Sigmoid(),
        ]);
        Init.He(net, seed);
        return net;
    }

    public const string AutoencoderDescription =
        "Conv(1→8, 3×3, same) → ReLU → AveragePool 2×2 → Conv(8→8, 3×3) → ReLU | Conv(8→8, 3×3) → ReLU → Resize ×2 (nearest) → Conv(8→8, 3×3) → ReLU → Conv(8→1, 3×3) → Sigmoid";
}
