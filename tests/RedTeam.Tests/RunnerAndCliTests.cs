using NeuralSec.Detectors.Images;
using NeuralSec.RedTeam.Cli;
using NeuralSec.RedTeam.Models;

namespace NeuralSec.RedTeam.Tests;

public sealed class RunnerAndCliTests : IClassFixture<Fixture>
{
    private readonly Fixture fixture;

    public RunnerAndCliTests(Fixture fixture)
    {
        this.fixture = fixture;
    }

    [Fact]
    public async Task RunnerReturnsTheNetworksLogits()
    {
        var runner = fixture.Models.Get(FixtureModels.Classifier);
        var digits = fixture.Data.Evaluation.Slice(0, 3);
        var logits = await runner.RunAsync(new ImageBatch(digits.Images, 3, 1, 28, 28), CancellationToken.None);
        Assert.Equal(runner.Network.Predict(digits.Images), logits);
    }

    [Fact]
    public async Task RunnerRejectsOtherGeometry()
    {
        var runner = fixture.Models.Get(FixtureModels.Classifier);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await runner.RunAsync(new ImageBatch(new float[3 * 28 * 28], 1, 3, 28, 28), CancellationToken.None));
    }

    [Theory]
    [InlineData(2, "nonsense")]
    [InlineData(2, "evaluate", "--bogus", "1")]
    [InlineData(2, "evaluate", "--count", "abc")]
    [InlineData(1, "export-sets", "--models", "/nonexistent/models", "--count", "10", "--out", "/tmp/neuralsec-redteam-test-sets")]
    public void CliErrorsAreOneLineWithExitCodes(int code, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.Equal(code, RedTeamCli.Run(args, stdout, stderr));
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Matches("^neuralsec-redteam( [a-z-]+)?: ", lines[0]);
        Assert.DoesNotContain("   at ", lines[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("evaluate", "--help")]
    [InlineData("export-pool", "--help")]
    [InlineData("export-sets", "-h")]
    [InlineData("help", "export-sets")]
    [InlineData("strip-diagnose", "--help")]
    [InlineData("fingerprint-diagnose", "--help")]
    public void HelpExitsZeroOnEveryCommand(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.Equal(0, RedTeamCli.Run(args, stdout, stderr));
        Assert.Empty(stderr.ToString());
        Assert.Contains("Usage:", stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 success, 1 failure, 2 usage error.", stdout.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("neuralsec-redteam: unknown command 'evalute'; did you mean 'evaluate'?", "evalute")]
    [InlineData("neuralsec-redteam evaluate: unknown option '--cuont'; did you mean '--count'?", "evaluate", "--cuont", "50")]
    [InlineData("neuralsec-redteam export-pool: --size needs a value", "export-pool", "--size")]
    [InlineData("neuralsec-redteam export-pool: --size must be an integer in [1, 500], got '0'", "export-pool", "--size", "0")]
    [InlineData("neuralsec-redteam: missing command; expected one of: attack, evaluate, export-pool, export-sets, fingerprint-diagnose, stream, strip-diagnose")]
    public void UsageErrorsNameTheFix(string expected, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.Equal(2, RedTeamCli.Run(args, stdout, stderr));
        Assert.Empty(stdout.ToString());
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
    }

    [Fact]
    public void ExportPoolWritesTheOverlayPool()
    {
        var path = Path.Combine(Path.GetTempPath(), $"strip-pool-{Guid.NewGuid():N}.nsimg.gz");
        try
        {
            using var stdout = new StringWriter();
            Assert.Equal(0, RedTeamCli.Run(["export-pool", "--out", path], stdout, TextWriter.Null));
            using var file = File.OpenRead(path);
            var pool = ImageSetFormat.Read(file);
            Assert.Equal(100, pool.Count);
            Assert.Equal(fixture.Data.Dataset.StripPool.Images.AsSpan(0, 100 * 784).ToArray(), pool.Span.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
