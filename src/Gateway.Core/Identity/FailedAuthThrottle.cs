using System.Net;
using System.Net.Sockets;
using NeuralSec.Gateway.Options;

namespace NeuralSec.Gateway.Identity;

/// <summary>
/// A token bucket of failed API-key attempts per source address, refilled lazily from the clock (no timer per
/// address), in a table of bounded size. Guessing a 256-bit key is hopeless anyway; what this bounds is the noise
/// and the CPU an attacker can spend on the sidecar, and it makes a guessing run visible as throttle alerts.
/// <para>IPv6 addresses are grouped by their /64, the smallest block one host is normally given: otherwise each
/// guess could come from a fresh address. Behind a proxy that does not preserve addresses, every caller shares
/// one bucket — such deployments identify callers by mTLS or the mesh header rather than API keys.</para>
/// <para>When the table is full, addresses whose bucket has refilled are forgotten first (nothing is lost: a full
/// bucket and no bucket mean the same), then the longest quiet ones.</para>
/// </summary>
internal sealed class FailedAuthThrottle
{
    private const string UnknownSource = "unknown";

    private readonly FailedAuthOptions _options;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    public FailedAuthThrottle(FailedAuthOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
    }

    /// <summary>Addresses currently tracked, for tests and diagnostics.</summary>
    public int TrackedAddresses
    {
        get
        {
            lock (_gate)
            {
                return _buckets.Count;
            }
        }
    }

    /// <summary>Null when this address may try a key; otherwise how long until it may.</summary>
    public TimeSpan? RetryAfter(string? remoteAddress)
    {
        if (!_options.Enabled)
        {
            return null;
        }

        var key = KeyOf(remoteAddress);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!_buckets.TryGetValue(key, out var bucket))
            {
                return null;
            }

            var tokens = bucket.TokensAt(now, _options);
            return tokens >= 1 ? null : (1 - tokens) * _options.RefillInterval;
        }
    }

    /// <summary>Spends one token of this address's budget.</summary>
    public void RecordFailure(string? remoteAddress)
    {
        if (!_options.Enabled)
        {
            return;
        }

        var key = KeyOf(remoteAddress);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!_buckets.TryGetValue(key, out var bucket))
            {
                if (_buckets.Count >= _options.MaxTrackedAddresses)
                {
                    MakeRoom(now);
                }

                bucket = new Bucket(_options.Burst, now);
                _buckets.Add(key, bucket);
            }

            // Concurrent attempts may all have passed RetryAfter; the bucket bottoms out at empty rather than
            // going into debt, so a burst of racing failures costs the same wait as one.
            bucket.Tokens = Math.Max(0, bucket.TokensAt(now, _options) - 1);
            bucket.Updated = now;
        }
    }

    /// <summary>The bucket key: the address, IPv4-mapped IPv6 as IPv4, other IPv6 as its /64.</summary>
    internal static string KeyOf(string? remoteAddress)
    {
        if (remoteAddress is null || !IPAddress.TryParse(remoteAddress, out var address))
        {
            return UnknownSource;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    /// <summary>Frees at least a sixteenth of the table, so a flood from many addresses pays for a sweep once per
    /// many insertions rather than on each.</summary>
    private void MakeRoom(DateTimeOffset now)
    {
        var wanted = Math.Max(1, _options.MaxTrackedAddresses / 16);
        var freed = 0;
        foreach (var (key, bucket) in _buckets)
        {
            if (bucket.TokensAt(now, _options) >= _options.Burst)
            {
                _buckets.Remove(key);
                freed++;
            }
        }

        if (freed >= wanted)
        {
            return;
        }

        foreach (var key in _buckets.OrderBy(b => b.Value.Updated).Take(wanted - freed).Select(b => b.Key).ToArray())
        {
            _buckets.Remove(key);
        }
    }

    private sealed class Bucket(double tokens, DateTimeOffset updated)
    {
        public double Tokens { get; set; } = tokens;

        public DateTimeOffset Updated { get; set; } = updated;

        public double TokensAt(DateTimeOffset now, FailedAuthOptions options)
        {
            // A clock stepped backwards refills nothing rather than draining the bucket.
            var elapsed = now > Updated ? now - Updated : TimeSpan.Zero;
            return Math.Min(options.Burst, Tokens + (elapsed / options.RefillInterval));
        }
    }
}
