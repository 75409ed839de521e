namespace NeuralSec.Lab.Cli;

/// <summary>
/// Entry point of <c>neuralsec-lab</c>. Exit codes: 0 success, 1 failure (bad file, bad model…), 2 usage error.
/// Every error is one line on stderr; no stack traces.
/// </summary>
public static class LabCli
{
    public const string Usage = """
        usage: neuralsec-lab <command> [options]

          data info [--data FILE]                       summarise the MNIST fixture and its split
          train all|<name> [--seed N] [--out DIR] [--data FILE]
                                                        train, export and write the card of fixture models
                                                        (names: mnist, mnist-backdoor, mnist-autoencoder, mnist-adv, mnist-distilled)
          eval <model.onnx> [--data FILE] [--trigger]   test-split accuracy (classifier) or reconstruction error (autoencoder)
          attack [--model FILE] [--name NAME] [--out DIR] [--count 500] [--eps 0.05,0.1,0.2,0.3] [--steps 40] [--seed N] [--data FILE]
                                                        write FGSM / PGD / targeted-PGD adversarial sets (default model: mnist)
          robustness <model.onnx> [--eps LIST] [--steps 40] [--loss ce|margin] [--temperature T] [--count N] [--data FILE]
                                                        accuracy under FGSM and PGD
        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
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
                "data" => DataCommand.Run(rest, stdout),
                "train" => TrainCommand.Run(rest, stdout),
                "eval" => EvalCommand.Run(rest, stdout),
                "attack" => AttackCommand.Run(rest, stdout),
                "robustness" => RobustnessCommand.Run(rest, stdout),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"neuralsec-lab: {e.Message} (see neuralsec-lab --help)");
            return 2;
        }
        catch (LabException e)
        {
            stderr.WriteLine($"neuralsec-lab: error: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            stderr.WriteLine($"neuralsec-lab: error: {e.Message}");
            return 1;
        }
        catch (Exception e)
        {
            // Still one line: the user needs the cause, not our call stack.
            stderr.WriteLine($"neuralsec-lab: internal error: {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }
}
