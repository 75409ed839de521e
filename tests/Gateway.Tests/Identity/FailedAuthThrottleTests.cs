using Microsoft.Extensions.Time.Testing;
using NeuralSec.Gateway.Identity;
using NeuralSec.Gateway.Options;
using NeuralSec.Gateway.Tests.Policy;

namespace NeuralSec.Gateway.Tests.Identity;

/// <summary>The per-address budget of failed API keys, on a clock the test moves.</summary>
public sealed class FailedAuthThrottleTests
{
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public void An_address_gets_its_burst_then_waits_for_the_refill()
    {
        var throttle = Throttle(burst: 2, refill: TimeSpan.FromSeconds(10));

        Assert.Null(throttle.RetryAfter("10.0.0.1"));
        throttle.RecordFailure("10.0.0.1");
        Assert.Null(throttle.RetryAfter("10.0.0.1"));
        throttle.RecordFailure("10.0.0.1");

        Assert.Equal(TimeSpan.FromSeconds(10), throttle.RetryAfter("10.0.0.1"));
        Assert.Null(throttle.RetryAfter("10.0.0.2"));
        _clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(TimeSpan.FromSeconds(6), throttle.RetryAfter("10.0.0.1"));
        _clock.Advance(TimeSpan.FromSeconds(6));
        Assert.Null(throttle.RetryAfter("10.0.0.1"));
        throttle.RecordFailure("10.0.0.1");
        Assert.NotNull(throttle.RetryAfter("10.0.0.1"));
    }

    [Fact]
    public void IPv6_addresses_share_their_64_bit_prefix_and_mapped_IPv4_is_IPv4()
    {
        var throttle = Throttle(burst: 1, refill: TimeSpan.FromMinutes(1));

        throttle.RecordFailure("2001:db8:1:2::1");
        throttle.RecordFailure("::ffff:192.0.2.7");

        Assert.NotNull(throttle.RetryAfter("2001:db8:1:2:ffff::9"));
        Assert.Null(throttle.RetryAfter("2001:db8:1:3::1"));
        Assert.NotNull(throttle.RetryAfter("192.0.2.7"));
        Assert.Equal(2, throttle.TrackedAddresses);
    }

    [Fact]
    public void Tracked_addresses_stay_bounded_and_the_latest_offender_is_still_tracked()
    {
        var throttle = Throttle(burst: 1, refill: TimeSpan.FromHours(1), maxTracked: 64);

        for (var i = 0; i < 5_000; i++)
        {
            throttle.RecordFailure($"10.{i / 65536 % 256}.{i / 256 % 256}.{i % 256}");
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            Assert.InRange(throttle.TrackedAddresses, 1, 64);
        }

        Assert.NotNull(throttle.RetryAfter("10.0.19.135")); // the 5,000th
    }

    [Fact]
    public void Recovered_addresses_are_forgotten_before_anyone_still_throttled()
    {
        var throttle = Throttle(burst: 1, refill: TimeSpan.FromSeconds(1), maxTracked: 16);
        throttle.RecordFailure("192.0.2.1");
        _clock.Advance(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 16; i++)
        {
            throttle.RecordFailure($"198.51.100.{i}");
        }

        // The first offender's bucket refilled long ago and was dropped to make room; the newer ones were kept.
        Assert.Null(throttle.RetryAfter("192.0.2.1"));
        Assert.All(Enumerable.Range(0, 16), i => Assert.NotNull(throttle.RetryAfter($"198.51.100.{i}")));
    }

    [Fact]
    public void Unknown_source_is_one_address_and_disabled_tracks_nothing()
    {
        var throttle = Throttle(burst: 1, refill: TimeSpan.FromMinutes(1));
        throttle.RecordFailure(null);
        Assert.NotNull(throttle.RetryAfter(null));
        Assert.NotNull(throttle.RetryAfter("not an address"));

        var off = new FailedAuthThrottle(new FailedAuthOptions { Enabled = false, Burst = 1 }, _clock);
        off.RecordFailure("10.0.0.1");
        Assert.Null(off.RetryAfter("10.0.0.1"));
        Assert.Equal(0, off.TrackedAddresses);
    }

    private FailedAuthThrottle Throttle(int burst, TimeSpan refill, int maxTracked = 1024) =>
        new(new FailedAuthOptions { Burst = burst, RefillInterval = refill, MaxTrackedAddresses = maxTracked }, _clock);
}
