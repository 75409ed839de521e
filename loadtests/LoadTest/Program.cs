using NeuralSec.LoadTest;

return await CommandLine.RunAsync(args, Console.Out, Console.Error);
