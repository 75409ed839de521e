return NeuralSec.Lab.Cli.LabCli.Run(args, Console.Out, Console.Error);
