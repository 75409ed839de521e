namespace NeuralSec.Gateway.ClientState;

/// <summary>
/// The per-client history stream detectors keep (PRADA's growing sets, a client's query-coverage profile): one
/// state object per client, scope and codec, updated atomically per client — in memory by default, shared by all
/// replicas with Redis (read, update, compare-and-set). Bounded: idle histories expire and the store caps how many
/// it keeps; an evicted client simply starts afresh.
/// </summary>
internal interface IClientHistoryStore
{
    /// <summary>Runs <paramref name="update"/> on the client's state (created by the codec when there is none) and
    /// stores the result; a history idle for <paramref name="idleExpiry"/> may be forgotten. <paramref name="update"/> may run more than once when another replica updated the same
    /// client concurrently; it must not have side effects beyond the state.</summary>
    ValueTask<TResult> UpdateAsync<TState, TResult>(ClientKey key, IClientStateCodec<TState> codec, Func<TState, TResult> update, TimeSpan idleExpiry, CancellationToken cancellationToken)
        where TState : class;

    /// <summary>As <see cref="UpdateAsync"/>, for a state kept in parts: the update may read only the shared part, part
    /// <paramref name="part"/> (chosen from the query before it runs) and — when <see cref="IPartitionedClientStateCodec{TState}.NeedsLog"/>
    /// says so — the log, so a shared store moves only those and writes back only what changed. A store that keeps
    /// objects runs it on the whole state, with the same results.</summary>
    ValueTask<TResult> UpdatePartAsync<TState, TResult>(ClientKey key, IPartitionedClientStateCodec<TState> codec, int part, Func<TState, TResult> update, TimeSpan idleExpiry, CancellationToken cancellationToken)
        where TState : class;

    /// <summary>Forgets every history whose scope is not in <paramref name="liveScopes"/>.</summary>
    void RetainScopes(IReadOnlySet<string> liveScopes);
}
