using NeuralSec.Detectors;
using NeuralSec.Lab;

namespace NeuralSec.RedTeam.Cli;

/// <summary>
/// Entry point of <c>neuralsec-redteam</c>. Exit codes: 0 success, 1 failure (missing or corrupt file, bad model), 2 usage.
/// Every error is one line on stderr, never a stack trace.
/// </summary>
internal static class RedTeamCli
{
    public const string Usage = """
        usage: neuralsec-redteam <command> [options]

          evaluate [--out FILE] [--seed N] [--count N] [--adaptive-count N] [--eot N] [--detector-attack-count N] [--strip-samples N] [--data FILE] [--models DIR]
                      measure detectors, purification and STRIP on the committed fixtures; write the markdown report
                      (default --out docs/evaluation.md, --seed 1, --count 1000 digits per test half, --adaptive-count 500, --eot 10,
                       --detector-attack-count 500, --strip-samples 100)
          export-pool [--out FILE] [--size N] [--data FILE]
                      write STRIP's clean overlay pool (NSIMAGE1; default models/repository/mnist-backdoor/strip-pool.nsimg.gz, 100 digits)
          export-sets [--out DIR] [--seed N] [--count N] [--data FILE] [--models DIR]
                      write benign halves (NSIMAGE1) and successful adversarial examples per attack/ε (NSIMAGF1) for
                      `neuralsec calibrate --benign FILE --adversarial FILE` (default --out artifacts/sets)
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
            {
                (args.Length == 0 ? stderr : stdout).WriteLine(Usage);
                return args.Length == 0 ? 2 : 0;
            }

            var rest = args[1..];
            return args[0] switch
            {
                "evaluate" => EvaluateCommand.Run(rest, stdout, stderr),
                "export-pool" => ExportPoolCommand.Run(rest, stdout),
                "export-sets" => ExportSetsCommand.Run(rest, stdout, stderr),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"neuralsec-redteam: {e.Message} (see neuralsec-redteam --help)");
            return 2;
        }
        catch (Exception e) when (e is RedTeamException or LabException or DefenseConfigurationException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            stderr.WriteLine($"neuralsec-redteam: error: {e.Message}");
            return 1;
        }
        catch (Exception e)
        {
            // Still one line: the operator needs the cause, not our call stack.
            stderr.WriteLine($"neuralsec-redteam: internal error: {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }
}
