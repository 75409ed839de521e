using NeuralSec.Gateway.Decisions;
using NeuralSec.Gateway.QueryStream;

namespace NeuralSec.Gateway.Pipeline.Stages;

/// <summary>
/// Hands every answered query to the registered <see cref="IQueryObserver"/>s (none by default): the seam where
/// stream defenses see a client's queries with the model's answers. Queries the input detectors refused are handed on
/// too (<see cref="AnsweredQuery.RefusedByInputChecks"/>), since they are part of the client's stream; other refusals
/// are not. An observer that throws falls under the policy's onError rule; an observer that refuses stops the answer
/// here, before it is hardened or sent.
/// </summary>
internal sealed class ObserveStage(IEnumerable<IQueryObserver> observers, TimeProvider time, ILogger<ObserveStage> logger) : IPipelineStage
{
    private readonly IQueryObserver[] _observers = observers.ToArray();

    public PipelineStageId Id => PipelineStageId.Observe;

    public bool RunsAfterRejection => true;

    public async ValueTask<StageOutcome> ExecuteAsync(InferenceContext context, CancellationToken cancellationToken)
    {
        if (_observers.Length == 0 || context.Policy is null
            || (context.Rejection is { } rejection && rejection.ReasonCode != ReasonCodes.SuspiciousInput))
        {
            return StageOutcome.Continue;
        }

        var query = new AnsweredQuery(context, time.GetUtcNow());
        foreach (var observer in _observers)
        {
            try
            {
                await observer.ObserveAsync(query, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Logging.Log.DefenseFailed(logger, ex, PipelineStageNames.Of(Id), observer.Name);
                var failed = Enforcement.DefenseFailed(context, Id, observer.Name, ex);
                if (failed.IsRejected)
                {
                    return failed;
                }
            }

            if (query.Outcome.IsRejected)
            {
                return query.Outcome;
            }
        }

        return StageOutcome.Continue;
    }
}
