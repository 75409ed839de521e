using System.CommandLine;
using NeuralSec.CommandLine;

namespace NeuralSec.Lab.Cli;

/// <summary>
/// Entry point of <c>neuralsec-lab</c>, with the NeuralSec command-line conventions (<see cref="CliProgram"/>):
/// exit codes 0 success, 1 failure (bad file, bad model…), 2 usage error; every error is one line on stderr, no
/// stack traces; <c>--help</c> on every command.
/// </summary>
public static class LabCli
{
    public const string Name = "neuralsec-lab";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Create().Run(args, stdout, stderr);

    internal static CliProgram Create()
    {
        var root = new RootCommand("The NeuralSec lab: train, evaluate and attack the MNIST fixture models (offline, CPU, seeded)")
        {
            DataCommand.Create(),
            TrainCommand.Create(),
            EvalCommand.Create(),
            AttackCommand.Create(),
            RobustnessCommand.Create(),
        };
        return new CliProgram(Name, root, e => e is LabException);
    }
}
