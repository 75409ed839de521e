using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(NeuralSec.Lab.Benchmarks.ConvNetBenchmarks).Assembly).Run(args);
