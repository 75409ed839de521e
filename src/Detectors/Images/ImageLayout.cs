namespace NeuralSec.Detectors.Images;

/// <summary>Memory order of a 4-D image tensor. ONNX/PyTorch models take NCHW, TensorFlow/Keras models NHWC.</summary>
public enum ImageLayout
{
    /// <summary>[batch, channels, height, width].</summary>
    Nchw,

    /// <summary>[batch, height, width, channels].</summary>
    Nhwc,
}
