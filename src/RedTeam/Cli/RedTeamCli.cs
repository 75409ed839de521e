using System.CommandLine;
using NeuralSec.CommandLine;
using NeuralSec.Detectors;
using NeuralSec.Lab;

namespace NeuralSec.RedTeam.Cli;

/// <summary>
/// Entry point of <c>neuralsec-redteam</c>, with the NeuralSec command-line conventions (<see cref="CliProgram"/>):
/// exit codes 0 success, 1 failure (missing or corrupt file, bad model), 2 usage error; every error is one line on
/// stderr, never a stack trace; <c>--help</c> on every command.
/// </summary>
internal static class RedTeamCli
{
    public const string Name = "neuralsec-redteam";

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Create().Run(args, stdout, stderr);

    internal static CliProgram Create()
    {
        var root = new RootCommand("NeuralSec red team: offline evaluation of the detectors, purification and STRIP on the committed fixtures; stream attacks through a real sidecar; the red team against a live sidecar (attack)")
        {
            AttackCommand.Create(),
            EvaluateCommand.Create(),
            ExportPoolCommand.Create(),
            ExportSetsCommand.Create(),
            FingerprintDiagnoseCommand.Create(),
            StreamCommand.Create(),
            StripDiagnoseCommand.Create(),
        };
        return new CliProgram(Name, root, e => e is RedTeamException or LabException or DefenseConfigurationException);
    }

    /// <summary><c>--data FILE</c>, shared by every command.</summary>
    internal static Option<string> DataOption() => new("--data")
    {
        Description = "the MNIST fixture (default: data/mnist/mnist-10k.bin.gz of this checkout)",
        HelpName = "FILE",
    };

    /// <summary><c>--models DIR</c>: the fixture model repository.</summary>
    internal static Option<string> ModelsOption() => new("--models")
    {
        Description = "the fixture model repository (default: models/repository of this checkout)",
        HelpName = "DIR",
    };

    internal static Option<int> SeedOption() => Values.Integer("--seed", "random seed", 1, 0, int.MaxValue);
}
