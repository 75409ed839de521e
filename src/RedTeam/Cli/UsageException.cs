namespace NeuralSec.RedTeam.Cli;

/// <summary>A command-line mistake: one line on stderr, exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }
}
