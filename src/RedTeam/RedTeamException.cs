namespace NeuralSec.RedTeam;

/// <summary>An expected failure (missing file, bad model, bad data) reported as one line, exit code 1.</summary>
internal sealed class RedTeamException : Exception
{
    public RedTeamException(string message)
        : base(message)
    {
    }

    public RedTeamException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
