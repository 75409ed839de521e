namespace NeuralSec.Lab;

/// <summary>An expected failure (bad file, bad shape, bad argument) whose message is shown to the user as-is.</summary>
public sealed class LabException : Exception
{
    public LabException(string message)
        : base(message)
    {
    }

    public LabException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public LabException()
    {
    }
}
