using NeuralSec.RedTeam.Evaluation;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Tests;

/// <summary>The committed models and data, loaded once for the whole test assembly (a few hundred milliseconds).</summary>
public sealed class Fixture
{
    internal FixtureModels Models { get; } = new();

    internal EvaluationData Data { get; } = EvaluationData.Load(null, 100, 1);
}
