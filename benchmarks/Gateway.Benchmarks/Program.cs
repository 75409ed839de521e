using BenchmarkDotNet.Running;
using NeuralSec.Gateway.Benchmarks;

var summaries = BenchmarkSwitcher.FromAssembly(typeof(PipelineStageBenchmarks).Assembly).Run(args);
StageTable.Print(summaries, Console.Out);
