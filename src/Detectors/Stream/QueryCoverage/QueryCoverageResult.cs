namespace NeuralSec.Detectors.Stream;

/// <summary>One client's query profile over the window, after the query just observed.</summary>
/// <param name="Score">Σ novelty·(1 + boundaryWeight·[margin &lt; marginThreshold]) over the window.</param>
/// <param name="Queries">Queries in the window.</param>
/// <param name="ClassCoverage">Normalised entropy of the predicted-class histogram, in [0, 1].</param>
/// <param name="MeanEntropy">Mean normalised entropy of the model's outputs, in [0, 1].</param>
/// <param name="BoundaryFraction">Fraction of queries whose top1 − top2 margin was below the threshold.</param>
/// <param name="MeanNovelty">Mean novelty of the queries.</param>
public readonly record struct QueryCoverageResult(double Score, int Queries, double ClassCoverage, double MeanEntropy, double BoundaryFraction, double MeanNovelty);
