namespace NeuralSec.Detectors.Preprocessing.RandomResizePad;

internal enum ResizeInterpolation
{
    /// <summary>Xie et al.'s choice (tf.image.resize_images NEAREST_NEIGHBOR); sampled at pixel centres.</summary>
    Nearest,

    /// <summary>Half-pixel-centre bilinear; smoother, a little kinder to accuracy.</summary>
    Bilinear,
}
