using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using NeuralSec.RedTeam.Cli;

namespace NeuralSec.RedTeam.Tests.Live;

/// <summary>
/// <c>neuralsec-redteam attack</c> against a running target: every bad input is one line with its exit code (usage 2,
/// failure 1) that says what to change — an unknown attack, an unreachable or TLS-only target, an untrusted
/// certificate, a refused key, a model the attacks cannot handle — and a real run through a real sidecar reads the
/// target's alerts, shows what its monitor-mode policy would have refused and keeps the undefended baseline beside it.
/// </summary>
public sealed class AttackCommandTests(LiveSidecarFixture sidecar) : IClassFixture<LiveSidecarFixture>
{
    [Fact]
    public void Help_lists_every_attack_and_the_target_options()
    {
        using var stdout = new StringWriter();
        Assert.Equal(0, RedTeamCli.Run(["attack", "--help"], stdout, TextWriter.Null));
        var text = stdout.ToString();
        foreach (var expected in new[] { "--target", "--api-key", "--baseline-api-key", "--ca", "--alerts", "--quick", "pgd", "simba", "square", "boundary", "hopskipjump", "patch", "eot", "adaptive", "jbda", "knockoff", "cw-l2", "poisoning" })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("unknown attack 'pgdd' (did you mean 'pgd'?)", "attack", "--attacks", "fgsm,pgdd")]
    [InlineData("unknown attack 'sqare'", "attack", "--attacks", "sqare")]
    [InlineData("--target must be http://host:port or https://host:port", "attack", "--target", "ftp://127.0.0.1:1", "--api-key", "k")]
    [InlineData("are for a running --target", "attack", "--api-key", "k")]
    [InlineData("cannot be used with --target", "attack", "--target", "http://127.0.0.1:1", "--api-key", "k", "--neuralsec", "x.dll")]
    public void Usage_errors_exit_2_with_one_line(string expected, params string[] args)
    {
        using var stderr = new StringWriter();
        Assert.Equal(2, RedTeamCli.Run(args, TextWriter.Null, stderr));
        Assert.Contains(expected, stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Results_that_are_not_an_attack_run_are_refused()
    {
        var file = Path.Combine(Path.GetTempPath(), $"not-results-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(file, "{\"Seed\": \"x\"}");
            var (code, error) = Fail(["attack", "--from-results", file, "--out", Path.GetTempPath()]);
            Assert.Equal(1, code);
            Assert.Contains("is not a results.json", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_target_without_a_key_is_refused_before_any_query()
    {
        var (code, error) = Fail(["attack", "--target", sidecar.Target.ToString()]);
        Assert.Equal(1, code);
        Assert.Contains("--target needs --api-key", error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_target_is_named()
    {
        var (code, error) = Fail(["attack", "--target", $"http://127.0.0.1:{ClosedPort()}", "--api-key", "k"]);
        Assert.Equal(1, code);
        Assert.Contains("connection refused", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_TLS_only_target_reached_over_http_is_told_to_use_https()
    {
        await using var tls = new TlsOnlyServer();
        var (code, error) = Fail(["attack", "--target", $"http://127.0.0.1:{tls.Port}", "--api-key", "k"]);
        Assert.Equal(1, code);
        Assert.Contains("speaks TLS only: use https://127.0.0.1:", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_untrusted_certificate_asks_for_the_CA_and_the_CA_is_then_used()
    {
        await using var tls = new TlsOnlyServer();
        var (code, error) = Fail(["attack", "--target", $"https://127.0.0.1:{tls.Port}", "--api-key", "k"]);
        Assert.Equal(1, code);
        Assert.Contains("pass --ca FILE", error, StringComparison.Ordinal);

        // With its CA the handshake passes; the port still speaks no gRPC, and the error says that instead.
        var ca = Path.Combine(Path.GetTempPath(), $"ca-{Guid.NewGuid():N}.pem");
        try
        {
            File.WriteAllText(ca, tls.CertificatePem);
            (code, error) = Fail(["attack", "--target", $"https://127.0.0.1:{tls.Port}", "--api-key", "k", "--ca", ca]);
            Assert.Equal(1, code);
            Assert.DoesNotContain("--ca", error, StringComparison.Ordinal);
            Assert.Contains("127.0.0.1", error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(ca);
        }
    }

    [Fact]
    public void A_refused_API_key_is_named()
    {
        var (code, error) = Fail(["attack", "--target", sidecar.Target.ToString(), "--api-key", "not-a-key-of-this-sidecar"]);
        Assert.Equal(1, code);
        Assert.Contains("refused the API key", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mnist-autoencoder", "the attacks read 10 class scores")]
    [InlineData("no-such-model", "serves no model 'no-such-model'")]
    public void A_model_the_attacks_cannot_handle_is_named(string model, string expected)
    {
        var (code, error) = Fail(["attack", "--target", sidecar.Target.ToString(), "--api-key", LiveSidecarFixture.DefendedKey, "--model", model]);
        Assert.Equal(1, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Against_a_monitor_mode_policy_the_report_shows_what_enforce_would_have_refused()
    {
        var output = Path.Combine(Path.GetTempPath(), $"attack-monitor-{Guid.NewGuid():N}");
        try
        {
            using var stderr = new StringWriter();
            var code = RedTeamCli.Run(
                ["attack", "--target", sidecar.Target.ToString(), "--api-key", LiveSidecarFixture.MonitorKey, "--baseline-api-key", LiveSidecarFixture.BaselineKey,
                 "--alerts", sidecar.AlertFile, "--attacks", "pgd", "--quick", "--out", output], TextWriter.Null, stderr);
            Assert.True(code == 0, stderr.ToString());

            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
            var root = document.RootElement;
            Assert.True(root.GetProperty("Monitor").GetBoolean());
            Assert.True(root.GetProperty("Alerts").GetBoolean());
            var results = root.GetProperty("Results").EnumerateArray().ToArray();
            var defended = results.Where(r => r.GetProperty("Side").GetString() == "firewall").ToArray();
            var baseline = results.Where(r => r.GetProperty("Side").GetString() == "undefended").ToArray();
            Assert.Equal(2, defended.Length);
            Assert.Equal(2, baseline.Length);

            // Monitor mode refuses nothing; its alerts say enforce would have refused the ε=0.3 digits.
            Assert.All(defended, r => Assert.Equal(0, r.GetProperty("Refused").GetInt32()));
            var strong = defended.Single(r => r.GetProperty("Setting").GetString() == "ε=0.3");
            Assert.True(strong.GetProperty("WouldRefuse").GetInt32() >= strong.GetProperty("Attempts").GetInt32() / 2, strong.ToString());
            var undefended = baseline.Single(r => r.GetProperty("Setting").GetString() == "ε=0.3");
            Assert.True(undefended.GetProperty("Succeeded").GetInt32() >= 0.9 * undefended.GetProperty("Attempts").GetInt32(), undefended.ToString());
            var report = File.ReadAllText(Path.Combine(output, "README.md"));
            Assert.Contains("would refuse", report, StringComparison.Ordinal);

            // The report again from its results, without attacking: the same page.
            var again = Path.Combine(output, "again");
            Assert.Equal(0, RedTeamCli.Run(["attack", "--from-results", Path.Combine(output, "results.json"), "--out", again], TextWriter.Null, TextWriter.Null));
            Assert.Equal(report, File.ReadAllText(Path.Combine(again, "README.md")));
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    private static (int Code, string Error) Fail(string[] args)
    {
        using var stderr = new StringWriter();
        var code = RedTeamCli.Run(args, TextWriter.Null, stderr);
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('[')).ToArray();
        var line = Assert.Single(lines);
        Assert.StartsWith("neuralsec-redteam attack: ", line, StringComparison.Ordinal);
        return (code, line);
    }

    private static int ClosedPort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
