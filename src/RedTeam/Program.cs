return NeuralSec.RedTeam.Cli.RedTeamCli.Run(args, Console.Out, Console.Error);
