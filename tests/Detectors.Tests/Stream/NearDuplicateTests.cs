using Microsoft.Extensions.Time.Testing;
using NeuralSec.Detectors.Catalog;
using NeuralSec.Detectors.Stream;

namespace NeuralSec.Detectors.Tests.Stream;

public sealed class NearDuplicateTests
{
    private const int Threshold = 25; // Blacklight's published T = S/2.

    private static readonly NearDuplicateDetector Defaults = NearDuplicateMeasurement.Detector(new NearDuplicateOptions());

    [Fact]
    public void Fingerprint_IsAtMostS_DistinctAscending_AndFixedBySecret()
    {
        var digit = Digits.Test.Image(0);
        var a = Defaults.Fingerprint(digit).Hashes.ToArray();
        var again = NearDuplicateMeasurement.Detector(new NearDuplicateOptions()).Fingerprint(digit).Hashes.ToArray();
        var otherSecret = NearDuplicateDetector.Create(new NearDuplicateOptions(), "another deployment"u8).Fingerprint(digit).Hashes.ToArray();
        var bySaltOption = NearDuplicateDetector.Create(new NearDuplicateOptions(Salt: "measurement secret"), "ignored"u8).Fingerprint(digit).Hashes.ToArray();

        Assert.Equal(50, a.Length);
        Assert.True(a.Zip(a.Skip(1)).All(p => p.First < p.Second));
        Assert.Equal(a, again);
        Assert.Equal(a, bySaltOption);
        Assert.Empty(a.Intersect(otherSecret));
    }

    [Fact]
    public void Fingerprint_OfAnImageWithNoInk_IsEmpty_AndMatchesNothing()
    {
        var blank = new float[Digits.Pixels];
        var index = NearDuplicateMeasurement.Index();

        Assert.Equal(0, Defaults.Fingerprint(blank).Hashes.Length);
        index.MatchAndAdd(Defaults.Fingerprint(blank), Query("a"), 5);
        Assert.Equal(0, index.MatchAndAdd(Defaults.Fingerprint(blank), Query("b"), 5).SharedHashes);
    }

    [Fact]
    public void Create_RefusesNoSecret()
    {
        Assert.Throws<ArgumentException>(() => NearDuplicateDetector.Create(new NearDuplicateOptions(), []));
    }

    [Fact]
    public void Index_MatchesThenInserts_ReportingTheBestEarlierQueriesFirst()
    {
        var index = NearDuplicateMeasurement.Index();
        var digit = Digits.Test.Image(1).ToArray();
        var fingerprint = Defaults.Fingerprint(digit);

        var first = index.MatchAndAdd(fingerprint, Query("r1"), 5);
        index.MatchAndAdd(Defaults.Fingerprint(Digits.Test.Image(2)), Query("other"), 5);
        var second = index.MatchAndAdd(fingerprint, Query("r2"), 5);
        var third = index.MatchAndAdd(fingerprint, Query("r3"), 1);

        Assert.Equal(new NearDuplicateMatch(0, []), first);
        Assert.Equal(50, second.SharedHashes);
        Assert.Equal("r1", second.Earlier[0].RequestId);
        Assert.Equal(50, third.SharedHashes);
        Assert.Equal(["r2"], third.Earlier.Select(e => e.RequestId)); // newest first among equals, at most the evidence asked
        Assert.Equal(4, index.Count);
    }

    [Fact]
    public void Index_ForgetsByCapacity_AndByRetention_AndStaysBounded()
    {
        var time = new FakeTimeProvider();
        var index = new NearDuplicateIndex(100, TimeSpan.FromHours(1), time, maxPostingsPerHash: 4);
        var fingerprint = Defaults.Fingerprint(Digits.Test.Image(3));
        index.MatchAndAdd(fingerprint, Query("old"), 5);
        for (var i = 0; i < 100; i++)
        {
            index.MatchAndAdd(Defaults.Fingerprint(Digits.Test.Image(10 + i)), Query("n" + i), 5);
        }

        var afterCapacity = index.MatchAndAdd(fingerprint, Query("again"), 5);
        time.Advance(TimeSpan.FromHours(1));
        var afterRetention = index.MatchAndAdd(fingerprint, Query("later"), 5);

        Assert.DoesNotContain(afterCapacity.Earlier, e => e.RequestId == "old");
        Assert.Equal(0, afterRetention.SharedHashes);
        Assert.Equal(1, index.Count);
        Assert.Equal(102, index.Evicted); // "old" and n0 for capacity, the other 100 for age

        // The same fingerprint many times: postings per hash stay at the cap, bytes stay bounded by capacity.
        var bytes = new List<long>();
        for (var i = 0; i < 1000; i++)
        {
            index.MatchAndAdd(fingerprint, Query("dup" + i), 5);
            bytes.Add(index.ApproximateBytes);
        }

        Assert.Equal(100, index.Count);
        Assert.Equal(bytes[200], bytes[^1]);
        Assert.InRange(bytes[^1], 100 * 50 * 8, 100 * 50 * 200);
    }

    [Fact]
    public void Index_IsSafeUnderConcurrentClients()
    {
        var index = new NearDuplicateIndex(500, TimeSpan.FromHours(1), new FakeTimeProvider());
        var fingerprints = Enumerable.Range(0, 200).Select(i => Defaults.Fingerprint(Digits.Test.Image(i % 50))).ToArray();
        Parallel.For(0, 2000, i => index.MatchAndAdd(fingerprints[i % fingerprints.Length], Query("q" + i), 3));

        Assert.Equal(500, index.Count);
        Assert.Equal(1500, index.Evicted);
    }

    [Fact]
    public void BenignDigits_AtTheDefaults_MatchAnEarlierDigitAtMostOnceInAThousand()
    {
        var scores = NearDuplicateMeasurement.BenignScores(Defaults);

        Assert.InRange(NearDuplicateMeasurement.RateAbove(scores, Threshold), 0, 0.001);
    }

    [Fact]
    public void InkFreeWindows_AreWhyUnrelatedDigitsMatch()
    {
        var hashed = NearDuplicateMeasurement.Detector(new NearDuplicateOptions() { HashInkFreeWindows = true });

        Assert.True(NearDuplicateMeasurement.RateAbove(NearDuplicateMeasurement.BenignScores(hashed), Threshold) > 0.001);
    }

    [Theory]
    [InlineData("SimBA pixel")]
    [InlineData("SimBA DCT")]
    [InlineData("Square")]
    [InlineData("HopSkipJump")]
    public void AttackStream_AtTheDefaults_IsFlaggedWithin50Queries_InEveryRun(string attack)
    {
        var stream = NearDuplicateMeasurement.Attacks().Single(a => a.Name == attack).Stream;

        Assert.InRange(NearDuplicateMeasurement.WorstQueriesToFlag(Defaults, stream, Threshold) ?? int.MaxValue, 1, 50);
    }

    [Fact]
    public void Definition_BuildsTheDetector_FromPolicyOptions_AndTheDeploymentSecret()
    {
        var fromSecret = Assert.IsType<NearDuplicateDetector>(DefenseFactory.CreateStreamDetector("nearDuplicate", null, new DefenseResources { DeploymentSecret = "measurement secret"u8.ToArray() }));
        var fromSalt = Assert.IsType<NearDuplicateDetector>(DefenseFactory.CreateStreamDetector("nearDuplicate", new Dictionary<string, object> { ["salt"] = "measurement secret", ["evidence"] = 3L }));
        var noSecret = Assert.Throws<DefenseConfigurationException>(() => DefenseFactory.CreateStreamDetector("nearDuplicate"));
        var definition = DefenseCatalog.Find("nearDuplicate")!;

        Assert.Equal(new NearDuplicateOptions(), fromSecret.Options);
        Assert.Equal(3, fromSalt.Evidence);
        Assert.Equal(fromSecret.Fingerprint(Digits.Test.Image(0)).Hashes.ToArray(), fromSalt.Fingerprint(Digits.Test.Image(0)).Hashes.ToArray());
        Assert.Contains("salt", noSecret.Message);
        Assert.Equal((DefenseStage.Stream, "AML.T0043", false), (definition.Stage, definition.AtlasTechniqueId, definition.FlagsBelowThreshold));
        Assert.Empty(DefenseFactory.Validate("nearDuplicate", null));
        Assert.Throws<DefenseConfigurationException>(() => DefenseFactory.CreateDetector("nearDuplicate"));
    }

    private static QueryReference Query(string id) => new(id, "client", DateTimeOffset.UnixEpoch);
}
