namespace NeuralSec.Gateway.Backends.Upstream;

/// <summary>
/// The failure of a call's first attempt, made outside the retry pipeline, handed to that pipeline as the outcome of
/// its own first execution: the pipeline then waits, retries and logs exactly as if it had made that attempt itself.
/// Taken once; every later execution is a real attempt.
/// </summary>
internal sealed class FirstAttemptReplay(Exception failure)
{
    private Exception? _failure = failure;

    /// <summary>The first attempt's failure on the first call, nothing after it.</summary>
    public bool TryTake(out Exception failure)
    {
        var taken = Interlocked.Exchange(ref _failure, null);
        failure = taken!;
        return taken is not null;
    }
}
