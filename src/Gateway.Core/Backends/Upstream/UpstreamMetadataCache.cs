using System.Collections.Concurrent;

namespace NeuralSec.Gateway.Backends.Upstream;

/// <summary>
/// Keeps model metadata for a short while: the pipeline asks for it on every request (to validate inputs), and
/// a round trip to the model server per request would double its load. Short-lived so that a model reloaded
/// with a new signature is seen within seconds. Absent models are cached too, so a flood of requests for
/// unknown names does not become a flood of upstream calls; the entry count is bounded for the same reason.
/// </summary>
internal sealed class UpstreamMetadataCache
{
    private const int MaxEntries = 1024;

    private readonly ConcurrentDictionary<(string Name, string Version), Entry> _entries = new();
    private readonly TimeSpan _timeToLive;
    private readonly TimeProvider _timeProvider;

    public UpstreamMetadataCache(TimeSpan timeToLive, TimeProvider timeProvider)
    {
        _timeToLive = timeToLive;
        _timeProvider = timeProvider;
    }

    public bool TryGet(string name, string? version, out ModelDescriptor? descriptor)
    {
        if (_entries.TryGetValue((name, version ?? string.Empty), out var entry) && entry.ExpiresAt > _timeProvider.GetUtcNow())
        {
            descriptor = entry.Descriptor;
            return true;
        }

        descriptor = null;
        return false;
    }

    public void Set(string name, string? version, ModelDescriptor? descriptor)
    {
        if (_entries.Count >= MaxEntries)
        {
            // Crude but bounded: a legitimate deployment serves a handful of models, so this only trips under abuse.
            _entries.Clear();
        }

        _entries[(name, version ?? string.Empty)] = new Entry(descriptor, _timeProvider.GetUtcNow() + _timeToLive);
    }

    private readonly record struct Entry(ModelDescriptor? Descriptor, DateTimeOffset ExpiresAt);
}
