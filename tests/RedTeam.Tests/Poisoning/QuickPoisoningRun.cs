using NeuralSec.Data;
using NeuralSec.RedTeam.Evaluation;
using NeuralSec.RedTeam.Models;
using NeuralSec.RedTeam.Poisoning;

namespace NeuralSec.RedTeam.Tests.Poisoning;

/// <summary>One quick poisoning run (real training on subsets, the committed models and data), shared by the tests that read it.</summary>
public sealed class QuickPoisoningRun
{
    internal const int Seed = 1;

    internal PoisoningResults Results { get; } = PoisoningEvaluation.Run(MnistDataset.Load(), new FixtureModels(), quick: true, Seed, new Progress(TextWriter.Null));
}
