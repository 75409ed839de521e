namespace NeuralSec.Repository.Tests;

/// <summary>What a finished process said.</summary>
internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);
