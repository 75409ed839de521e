namespace NeuralSec.CommandLine;

/// <summary>
/// A command-line mistake that only the command itself can see (a value checked against data it loads): reported
/// like a parse error, one line on stderr, exit code <see cref="ExitCodes.UsageError"/>.
/// </summary>
public sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException()
    {
    }

    public UsageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
