namespace NeuralSec.Detectors.Images;

/// <summary>A tensor an image defense cannot work on (wrong datatype, rank, channels, or size). The message is written for
/// the caller or the operator and contains no internal detail; the gateway maps it to INVALID_ARGUMENT.</summary>
public sealed class ImageTensorException : Exception
{
    public ImageTensorException()
    {
    }

    public ImageTensorException(string message)
        : base(message)
    {
    }

    public ImageTensorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
