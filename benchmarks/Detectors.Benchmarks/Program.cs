using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(NeuralSec.Detectors.Benchmarks.BenchmarkImages).Assembly).Run(args);
