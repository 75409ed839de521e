namespace NeuralSec.Gateway.Backends;

/// <summary>A backend fault with its classification. The message is safe to show a caller; the inner exception
/// is for logs only.</summary>
internal sealed class BackendException : Exception
{
    public BackendException(BackendError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    public BackendError Error { get; }
}
