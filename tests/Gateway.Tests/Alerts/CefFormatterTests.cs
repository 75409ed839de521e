using NeuralSec.Gateway.Alerts.Formats;

namespace NeuralSec.Gateway.Tests.Alerts;

public sealed class CefFormatterTests
{
    private readonly CefFormatter formatter = new(AlertSamples.Product);

    [Fact]
    public void Matches_GoldenFile()
    {
        var lines = AlertSamples.All().Select(s => formatter.Format(s.Alert));

        GoldenFile.Verify("samples.cef", string.Join('\n', lines) + "\n");
    }

    [Fact]
    public void Header_HasSevenPipeSeparatedFields()
    {
        var line = formatter.Format(AlertSamples.BlockedAdversarial());

        Assert.StartsWith("CEF:0|NeuralSec|NeuralSec|1.2.3|neuralsec:decision:block|Adversarial input blocked|8|", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_EscapesPipeAndBackslash()
    {
        Assert.Equal(@"a\|b\\c d", CefFormatter.EscapeHeader("a|b\\c\nd"));
    }

    [Fact]
    public void Extension_EscapesEqualsBackslashAndNewlines_NotPipes()
    {
        Assert.Equal(@"x\=1\ny\\z\r|", CefFormatter.EscapeExtension("x=1\ny\\z\r|"));
    }

    [Fact]
    public void ReloadFailure_IsOneLineWithEscapedMessage()
    {
        var line = formatter.Format(AlertSamples.PolicyReloadFailed());

        Assert.DoesNotContain('\n', line);
        Assert.Contains(@"|Policy reload refused \| kept r42|5|", line, StringComparison.Ordinal);
        Assert.Contains(@"msg=policies\\default.yaml:12:5: threshold\=1.5 is outside 0..1\nlast good", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Extension_UsesStandardKeys()
    {
        var line = formatter.Format(AlertSamples.AggregatedExtraction());
        var extension = line[(line.LastIndexOf('|') + 1)..];

        Assert.Contains($"rt={AlertSamples.Epoch.AddSeconds(10).ToUnixTimeMilliseconds()}", extension, StringComparison.Ordinal);
        Assert.Contains("act=throttle", extension, StringComparison.Ordinal);
        Assert.Contains("src=192.0.2.44", extension, StringComparison.Ordinal);
        Assert.Contains("suser=tenant-b/scraper", extension, StringComparison.Ordinal);
        Assert.Contains("externalId=req-9c01", extension, StringComparison.Ordinal);
        Assert.Contains("cs1Label=model cs1=mnist", extension, StringComparison.Ordinal);
        Assert.Contains("cs2Label=policy cs2=default@r42", extension, StringComparison.Ordinal);
        Assert.Contains("cs3Label=atlasTechniques cs3=AML.T0024.002", extension, StringComparison.Ordinal);
        Assert.Contains("cs4Label=detectorScores cs4=prada\\=0.87/0.9!", extension, StringComparison.Ordinal);
        Assert.Contains("cnt=57", extension, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(3, 5)]
    [InlineData(4, 8)]
    [InlineData(5, 10)]
    public void Severity_MapsOntoZeroToTen(int severity, int expected)
    {
        Assert.Equal(expected, CefFormatter.SeverityOf((NeuralSec.Gateway.Alerts.AlertSeverity)severity));
    }
}
