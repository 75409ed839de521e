namespace NeuralSec.Policy.Editing;

/// <summary>A policy text cannot be edited as asked (it changed since it was validated, or a value cannot be written);
/// the message is for the operator, on one line.</summary>
public sealed class PolicyEditException : Exception
{
    public PolicyEditException()
    {
    }

    public PolicyEditException(string message)
        : base(message)
    {
    }

    public PolicyEditException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
