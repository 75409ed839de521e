using NeuralSec.Data;

namespace NeuralSec.RedTeam.Stream;

/// <summary>
/// The benign population: each client its own API key, sending natural TEST-split digits. Profiles: plain streams,
/// bursty ones (several calls in flight at once, then a pause), ones that retry identical queries, one-class-heavy
/// ones (≥ 60 % one digit), a few high-volume apps (1,000+ queries), and — reported apart, not in the goal's count —
/// "re-capture" clients that send each digit two or three times with a 1-pixel shift and sensor-like noise, the
/// similar-but-benign stream on which near-duplicate detectors are known to misfire.
/// </summary>
internal static class BenignTraffic
{
    public const string Recapture = "recapture";

    /// <summary>A re-capture client's camera: each copy a 1-pixel shift, ±5 % brightness, ±0.02 noise.</summary>
    public static QueryTransform RecaptureTransform { get; } = new(MaxShift: 1, Brightness: 0.05f, Noise: 0.02f);

    public static IReadOnlyList<BenignClient> Plan(MnistSplit test, int seed, bool quick)
    {
        var random = new Random(seed);
        var clients = new List<BenignClient>();
        void Add(string profile, int count, Func<int> length, Func<int, int[]> digits)
        {
            for (var i = 0; i < count; i++)
            {
                var n = length();
                clients.Add(new BenignClient($"benign-{profile}-{i:00}", profile, digits(n)));
            }
        }

        int[] Distinct(int n) => Enumerable.Range(0, test.Count).OrderBy(_ => random.Next()).Take(n).ToArray();
        int[] Retries(int n)
        {
            var list = new List<int>();
            foreach (var d in Distinct(n))
            {
                list.Add(d);
                while (random.NextDouble() < 0.3)
                {
                    list.Add(d);
                }
            }

            return [.. list];
        }

        int[] OneClass(int n)
        {
            var digit = random.Next(10);
            var of = Enumerable.Range(0, test.Count).Where(i => test.Labels[i] == digit).OrderBy(_ => random.Next()).ToArray();
            var rest = Enumerable.Range(0, test.Count).Where(i => test.Labels[i] != digit).OrderBy(_ => random.Next()).ToArray();
            var heavy = Math.Min(of.Length, (int)Math.Ceiling(0.65 * n));
            return [.. of.Take(heavy).Concat(rest.Take(n - heavy)).OrderBy(_ => random.Next())];
        }

        int Typical() => quick ? 40 + random.Next(20) : 150 + random.Next(151);
        Add("plain", quick ? 3 : 20, Typical, Distinct);
        Add("bursty", quick ? 1 : 10, Typical, Distinct);
        Add("retry", quick ? 1 : 10, Typical, Retries);
        Add("oneclass", quick ? 1 : 7, Typical, OneClass);
        Add("highvolume", quick ? 1 : 3, () => quick ? 150 : 1_200, Distinct);
        Add(Recapture, quick ? 1 : 5, () => quick ? 20 : 100, n => Distinct(n).SelectMany(d => Enumerable.Repeat(d, 2 + random.Next(2))).ToArray());
        return clients;
    }

    /// <summary>Runs every client, <paramref name="parallel"/> at a time; bursty clients keep up to 8 calls in flight.</summary>
    public static async Task RunAsync(IReadOnlyList<BenignClient> clients, MnistSplit test, InferenceOracle oracle, QueryLog log, RunClock clock, int parallel, int seed)
    {
        using var gate = new SemaphoreSlim(parallel);
        var recapture = RecaptureTransform;
        await Task.WhenAll(clients.Select(async (client, index) =>
        {
            await gate.WaitAsync(clock.Token).ConfigureAwait(false);
            try
            {
                var random = new Random(seed + index);
                var digits = client.Digits;
                var burst = client.Profile == "bursty" ? 8 : 1;
                for (var i = 0; i < digits.Length && !clock.Expired; i += burst)
                {
                    var batch = digits.Skip(i).Take(burst).Select(d => client.Profile == Recapture ? recapture.Apply(test.Image(d), random) : test.Image(d).ToArray()).ToArray();
                    var answers = await Task.WhenAll(batch.Select(image => oracle.QueryAsync(client.Name, image, clock.Token))).ConfigureAwait(false);
                    foreach (var answer in answers)
                    {
                        log.Add(client.Name, answer);
                    }

                    if (burst > 1)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(20 + random.Next(80)), TimeProvider.System, clock.Token).ConfigureAwait(false);
                    }
                }
            }
            finally
            {
                gate.Release();
            }
        })).ConfigureAwait(false);
    }
}

/// <summary>One benign client: its account, profile and the test-split indices it sends, in order.</summary>
internal sealed record BenignClient(string Name, string Profile, int[] Digits);
