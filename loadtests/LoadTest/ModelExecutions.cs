namespace NeuralSec.LoadTest;

/// <summary>What a model server (the embedded backend) executed over a level's measured rounds, from its own
/// <c>neuralsec_model_batch_size</c> histogram: executions and the rows they carried. With dynamic batching, rows per
/// execution above the requests' own batch is how often requests shared one.</summary>
internal sealed record ModelExecutions(long Executions, long Rows)
{
    public double? MeanRows => Executions > 0 ? (double)Rows / Executions : null;
}
