using System.Diagnostics;
using System.Globalization;

namespace NeuralSec.LoadTest;

/// <summary>
/// Samples a process's resident set (<c>VmRSS</c> in <c>/proc/&lt;pid&gt;/status</c>) at a fixed interval while a run
/// goes on, so "memory stays bounded" is a series of measurements of the server process, not a guess from this one.
/// Off Linux (no <c>/proc</c>) nothing is sampled and <see cref="PeakBytes"/> stays null.
/// </summary>
internal sealed class RssSampler : IAsyncDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TimeSpan At, long Bytes)> _samples = [];
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Task _loop;

    private RssSampler(int pid, TimeSpan interval)
    {
        _pid = pid;
        _loop = Task.Run(() => LoopAsync(interval));
    }

    /// <summary>The highest sample so far, in bytes; null when none could be read.</summary>
    public long? PeakBytes
    {
        get
        {
            lock (_samples)
            {
                return _samples.Count == 0 ? null : _samples.Max(s => s.Bytes);
            }
        }
    }

    /// <summary>The latest sample, in bytes.</summary>
    public long? LastBytes
    {
        get
        {
            lock (_samples)
            {
                return _samples.Count == 0 ? null : _samples[^1].Bytes;
            }
        }
    }

    public static RssSampler Start(int pid, TimeSpan interval) => new(pid, interval);

    /// <summary>VmRSS of <paramref name="pid"/> now, in bytes; null when it cannot be read (process gone, no /proc).</summary>
    public static long? Read(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kib = line["VmRSS:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kib, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    /// <summary>About <paramref name="count"/> samples evenly spread over the run, for a table.</summary>
    public IReadOnlyList<(TimeSpan At, long Bytes)> Spread(int count)
    {
        lock (_samples)
        {
            if (_samples.Count <= count)
            {
                return [.. _samples];
            }

            return [.. Enumerable.Range(0, count).Select(i => _samples[(int)((long)i * (_samples.Count - 1) / (count - 1))])];
        }
    }

    /// <summary>Takes one more sample now (the end of a phase).</summary>
    public void SampleNow()
    {
        if (Read(_pid) is { } bytes)
        {
            lock (_samples)
            {
                _samples.Add((Stopwatch.GetElapsedTime(_started), bytes));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task LoopAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        do
        {
            SampleNow();
        }
        while (await WaitAsync(timer));
    }

    private async Task<bool> WaitAsync(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_stop.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
