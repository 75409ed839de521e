using NeuralSec.Detectors.Stream;
using Xunit.Abstractions;

namespace NeuralSec.Detectors.Tests.Stream;

/// <summary>
/// The benign match rate of nearDuplicate depends on the deployment secret (it salts the quantisation and seeds the
/// hashes): the 10,000 fixture digits, each matched against all before it, under many secrets. docs/stream-detectors.md
/// reports the figure of <c>NEURALSEC_SECRETS=72</c>; CI runs 3. Asserted: no secret lets more than one benign digit
/// in 10,000 (0.01 %) score above the detector's default T = 25, and none scores above the shipped policy's T = 30.
/// </summary>
public sealed class NearDuplicateSecretsTests(ITestOutputHelper output)
{
    [Fact]
    public void Benign_matches_stay_at_most_one_in_ten_thousand_above_25_and_none_above_30_under_any_secret()
    {
        var secrets = int.TryParse(Environment.GetEnvironmentVariable("NEURALSEC_SECRETS"), out var n) && n > 0 ? n : 3;
        var (total, worst) = (0, 0);
        for (var s = 0; s < secrets; s++)
        {
            var secret = System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(s));
            var detector = NearDuplicateDetector.Create(new NearDuplicateOptions(), secret);
            var index = NearDuplicateMeasurement.Index();
            var hits = new List<(int Digit, int Shared)>();
            for (var i = 0; i < Digits.Count; i++)
            {
                var shared = index.MatchAndAdd(detector.Fingerprint(Digits.Image(i)), new QueryReference($"r{i}", "c", DateTimeOffset.UnixEpoch), 0).SharedHashes;
                worst = Math.Max(worst, shared);
                if (shared > 25)
                {
                    hits.Add((i, shared));
                }
            }

            total += hits.Count;
            output.WriteLine($"secret {s}: {hits.Count} of {Digits.Count} above T=25 {string.Join(", ", hits)}");
            Assert.True(hits.Count <= 1, $"secret {s}: {hits.Count} benign digits above T=25");
            Assert.DoesNotContain(hits, h => h.Shared > 30);
        }

        output.WriteLine($"{secrets} secrets: {total} benign digits above T=25 of {secrets * Digits.Count:N0}; highest benign score {worst}");
    }
}
