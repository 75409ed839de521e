namespace NeuralSec.Gateway.QueryStream;

/// <summary>
/// A stateful defense over a client's query stream (extraction detection, near-duplicate query search): it sees every
/// answered query — inputs, outputs, client, policy, time — after the model answered and before the answer is
/// hardened, so its verdict can shape the current answer (degrade it, or refuse it) as well as the client's next
/// ones. Registered in DI; the observe stage runs every registered observer in turn.
/// </summary>
internal interface IQueryObserver
{
    /// <summary>Names the observer in verdicts, alerts and logs.</summary>
    string Name { get; }

    /// <summary>Looks at one answered query. A verdict goes through <see cref="AnsweredQuery.Report"/>; an exception
    /// falls under the policy's fail-open/fail-closed rule like any defense failure.</summary>
    ValueTask ObserveAsync(AnsweredQuery query, CancellationToken cancellationToken);
}
