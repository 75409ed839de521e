using System.Collections.Concurrent;

namespace NeuralSec.LoadTest.Fuzz;

/// <summary>Answers counted by (transport, status, reason), failures also by the kind of request that drew them, with
/// the first few request numbers of each so that a failure can be replayed (<c>--seed</c> and the number).</summary>
internal sealed class OutcomeTally
{
    private const int ExamplesKept = 5;

    private readonly ConcurrentDictionary<FuzzOutcome, long> _outcomes = new();
    private readonly ConcurrentDictionary<(string Kind, FuzzOutcome Outcome), FailureRecord> _failures = new();
    private long _total;

    public long Total => Interlocked.Read(ref _total);

    public long Failures => _outcomes.Where(o => o.Key.IsFailure).Sum(o => o.Value);

    public IReadOnlyList<(FuzzOutcome Outcome, long Count)> Outcomes =>
        [.. _outcomes.Select(o => (o.Key, o.Value)).OrderBy(o => o.Key.Transport, StringComparer.Ordinal).ThenByDescending(o => o.Value)];

    /// <summary>Each failing (kind, outcome) with its count and first request numbers.</summary>
    public IReadOnlyList<(string Kind, FuzzOutcome Outcome, long Count, IReadOnlyList<long> Examples, string? Detail)> FailureKinds =>
        [.. _failures.Select(f => (f.Key.Kind, f.Key.Outcome, f.Value.Count, f.Value.Examples, f.Value.Detail)).OrderByDescending(f => f.Count)];

    public long Count(string transport) => _outcomes.Where(o => o.Key.Transport == transport).Sum(o => o.Value);

    public void Add(long index, string kind, FuzzOutcome outcome)
    {
        Interlocked.Increment(ref _total);
        _outcomes.AddOrUpdate(outcome, 1, (_, n) => n + 1);
        if (outcome.IsFailure)
        {
            _failures.GetOrAdd((kind, outcome), _ => new FailureRecord(outcome.Detail)).Add(index);
        }
    }

    private sealed class FailureRecord(string? detail)
    {
        private readonly List<long> _examples = [];
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        /// <summary>The first occurrence's detail.</summary>
        public string? Detail => detail;

        public IReadOnlyList<long> Examples
        {
            get
            {
                lock (_examples)
                {
                    return [.. _examples];
                }
            }
        }

        public void Add(long index)
        {
            Interlocked.Increment(ref _count);
            lock (_examples)
            {
                if (_examples.Count < ExamplesKept)
                {
                    _examples.Add(index);
                }
            }
        }
    }
}
