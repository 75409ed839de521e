namespace NeuralSec.CommandLine;

/// <summary>The exit codes every NeuralSec executable returns.</summary>
public static class ExitCodes
{
    /// <summary>Done; for <c>neuralsec policy validate</c>, every policy is valid.</summary>
    public const int Success = 0;

    /// <summary>
    /// The command ran and failed: a missing or corrupt file, a bad model, an unreachable server, an invalid policy.
    /// </summary>
    public const int Failure = 1;

    /// <summary>The command line itself is wrong: an unknown command or option, a missing or bad value.</summary>
    public const int UsageError = 2;
}
