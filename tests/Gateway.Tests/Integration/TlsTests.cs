using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using NeuralSec.Gateway.Hosting;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Protocol.Inference;

namespace NeuralSec.Gateway.Tests.Integration;

/// <summary>
/// Transport security of the listeners: the certificate is reloaded from its PEM files without a restart (a bad
/// pair refused, the last good kept), only TLS 1.2 and 1.3 are spoken whatever the host's OpenSSL allows, and
/// the metrics port can be bound apart from the client ports.
/// </summary>
public sealed class TlsTests : IDisposable
{
    private readonly TestCertificates _pki = new();
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("neuralsec-tls-");

    private string CertificatePath => Path.Combine(_dir.FullName, "tls.crt");

    private string KeyPath => Path.Combine(_dir.FullName, "tls.key");

    [Fact]
    public async Task A_renewed_certificate_reaches_new_connections_without_restart_and_a_bad_one_is_refused()
    {
        Write(_pki.ServerPem("CN=first"));
        await using var server = await StartTls();
        Assert.Equal("CN=first", (await Handshake(server.Endpoints.Http)).Subject);

        var renewed = _pki.ServerPem("CN=renewed");
        Write(renewed);
        await Wait.Until(() => Handshake(server.Endpoints.Http).GetAwaiter().GetResult().Subject == "CN=renewed");
        Assert.Equal("CN=renewed", (await Handshake(server.Endpoints.Grpc, http2: true)).Subject);

        var source = server.Services.GetRequiredService<ServerCertificateSource>();
        Write((_pki.ServerPem("CN=mismatched").CertificatePem, _pki.ServerPem("CN=other").KeyPem));
        await Wait.Until(() => source.Refusals >= 1);

        Assert.Equal("CN=renewed", (await Handshake(server.Endpoints.Http)).Subject);
        using var http = new HttpClient(Trusting()) { BaseAddress = server.Endpoints.Http };
        using var live = await http.GetAsync(new Uri("/v2/health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    [Fact]
    public async Task Silent_and_stalled_handshakes_are_closed_while_real_clients_are_served()
    {
        // The TLS ports probed as the plaintext ones were: connections that never finish a handshake (nothing sent,
        // or half a ClientHello) are closed by the server's handshake timeout, and meanwhile a real client is served.
        Write(_pki.ServerPem("CN=localhost"));
        await using var server = await StartTls();
        var stalled = new List<TcpClient>();
        try
        {
            foreach (var endpoint in new[] { server.Endpoints.Grpc, server.Endpoints.Http })
            {
                for (var i = 0; i < 50; i++)
                {
                    var tcp = new TcpClient();
                    await tcp.ConnectAsync(endpoint.Host, endpoint.Port);
                    if (i % 2 == 1)
                    {
                        await tcp.GetStream().WriteAsync(new byte[] { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01 }); // a ClientHello cut short
                    }

                    stalled.Add(tcp);
                }
            }

            using var http = new HttpClient(Trusting()) { BaseAddress = server.Endpoints.Http };
            using var live = await http.GetAsync(new Uri("/v2/health/live", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);

            // Kestrel's handshake timeout is 10 s; the bound here only guards a hang.
            foreach (var tcp in stalled)
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
                var read = await tcp.GetStream().ReadAsync(new byte[1024], limit.Token);
                while (read > 0)
                {
                    read = await tcp.GetStream().ReadAsync(new byte[1024], limit.Token);
                }
            }
        }
        finally
        {
            stalled.ForEach(t => t.Dispose());
        }
    }

    [Fact]
    public async Task Only_TLS_1_2_and_1_3_are_negotiated()
    {
        Write(_pki.ServerPem("CN=localhost"));
        await using var server = await StartTls();

        Assert.Equal(SslProtocols.Tls12, (await Handshake(server.Endpoints.Http, protocols: SslProtocols.Tls12)).Protocol);
        Assert.Equal(SslProtocols.Tls13, (await Handshake(server.Endpoints.Http)).Protocol);
        Assert.True((await Handshake(server.Endpoints.Grpc, http2: true)).Protocol >= SslProtocols.Tls12);
    }

    /// <summary>This runtime's own TLS client cannot even offer TLS 1.1, and the default OpenSSL configuration
    /// would refuse it anyway, so the attempt is made the hard way: the built gateway runs in a child process
    /// whose OpenSSL configuration allows TLS 1.0 (as some base images do), and <c>openssl s_client</c> offers
    /// TLS 1.1. The gateway must refuse it on its own, and still accept TLS 1.2.</summary>
    [Fact]
    public async Task A_TLS_1_1_handshake_fails_even_where_the_hosts_OpenSSL_would_allow_it()
    {
        if (!ChildGateway.Supported || FindOpenSsl() is not { } openssl)
        {
            return; // no openssl binary: the negotiated-protocol test above still holds
        }

        Write(_pki.ServerPem("CN=localhost"));
        var permissive = Path.Combine(_dir.FullName, "openssl-permissive.cnf");
        await File.WriteAllTextAsync(permissive, """
            openssl_conf = openssl_init
            [openssl_init]
            ssl_conf = ssl_sect
            [ssl_sect]
            system_default = system_default_sect
            [system_default_sect]
            MinProtocol = TLSv1
            CipherString = DEFAULT@SECLEVEL=0
            """);
        await using var gateway = await ChildGateway.StartAsync(
            new Dictionary<string, string> { ["OPENSSL_CONF"] = permissive },
            $"--NeuralSec:Server:TlsCertificatePath={CertificatePath}",
            $"--NeuralSec:Server:TlsKeyPath={KeyPath}");

        var (tls11, tls11Output) = await SClient(openssl, permissive, gateway.Http, "-tls1_1");
        var (tls12, tls12Output) = await SClient(openssl, permissive, gateway.Http, "-tls1_2");

        Assert.False(tls11, "TLS 1.1 was accepted:\n" + tls11Output);
        Assert.True(tls12, "TLS 1.2 was refused:\n" + tls12Output);
    }

    [Fact]
    public async Task Metrics_can_listen_on_loopback_alone()
    {
        // 127.0.0.2 stands for the pod's address: on Linux all of 127.0.0.0/8 is loopback, so nothing leaves the machine.
        await using var server = await GatewayServer.StartAsync(new Dictionary<string, string?>
        {
            ["NeuralSec:Server:ListenAddress"] = "127.0.0.2",
            ["NeuralSec:Server:MetricsListenAddress"] = "127.0.0.1",
            ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
        });

        Assert.Equal("127.0.0.1", server.Endpoints.Metrics.Host);
        Assert.Equal("127.0.0.2", server.Endpoints.Grpc.Host);
        Assert.Contains("neuralsec_", await server.Metrics.GetStringAsync(new Uri("/metrics", UriKind.Relative)), StringComparison.Ordinal);
        Assert.True((await server.Client.ServerLiveAsync(new ServerLiveRequest())).Live);

        // Nothing else in the suite listens on 127.0.0.2, so a refused connection is this gateway's metrics
        // port being absent there (the reverse check on 127.0.0.1 could meet another test's server).
        Assert.False(await Accepts(IPAddress.Parse("127.0.0.2"), server.Endpoints.Metrics.Port));
    }

    public void Dispose()
    {
        _dir.Delete(recursive: true);
        _pki.Dispose();
    }

    private Task<GatewayServer> StartTls() => GatewayServer.StartAsync(new Dictionary<string, string?>
    {
        ["NeuralSec:Server:TlsCertificatePath"] = CertificatePath,
        ["NeuralSec:Server:TlsKeyPath"] = KeyPath,
        ["NeuralSec:Policies:Directory"] = RepoPaths.PassThroughPolicies,
    }, waitUntilReady: false);

    /// <summary>Writes the pair the way a Secret update lands: each file replaced whole (write + rename).</summary>
    private void Write((string CertificatePem, string KeyPem) pair)
    {
        foreach (var (path, pem) in new[] { (CertificatePath, pair.CertificatePem), (KeyPath, pair.KeyPem) })
        {
            var temp = path + ".tmp";
            File.WriteAllText(temp, pem);
            File.Move(temp, path, overwrite: true);
        }
    }

    /// <summary>A fresh TLS connection (never a pooled one): the certificate and protocol the server chose.</summary>
    private async Task<(string Subject, SslProtocols Protocol)> Handshake(Uri endpoint, SslProtocols protocols = SslProtocols.None, bool http2 = false)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint.Host, endpoint.Port);
        X509Certificate? presented = null;
        await using var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) =>
        {
            presented = certificate;
            return IssuedByTestCa(certificate);
        });
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = protocols,
            ApplicationProtocols = [http2 ? SslApplicationProtocol.Http2 : SslApplicationProtocol.Http11],
        });
        return (presented!.Subject, ssl.SslProtocol);
    }

    private SocketsHttpHandler Trusting() => new()
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => IssuedByTestCa(certificate) },
    };

    private bool IssuedByTestCa(X509Certificate? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_pki.Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    private static async Task<bool> Accepts(IPAddress address, int port)
    {
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(address, port).WaitAsync(TimeSpan.FromSeconds(10));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string? FindOpenSsl() =>
        new[] { "/usr/bin/openssl", "/bin/openssl", "/usr/local/bin/openssl" }.FirstOrDefault(File.Exists);

    /// <summary>Runs <c>openssl s_client</c> against the endpoint; true when the handshake completed.</summary>
    private static async Task<(bool Connected, string Output)> SClient(string openssl, string config, Uri endpoint, string protocol)
    {
        var start = new ProcessStartInfo(openssl)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "s_client", "-connect", $"{endpoint.Host}:{endpoint.Port}", protocol, "-cipher", "DEFAULT@SECLEVEL=0" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["OPENSSL_CONF"] = config;
        using var process = Process.Start(start)!;
        process.StandardInput.Close(); // end of input: s_client hangs up once the handshake is done or failed
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var text = await output + await error;
        return (process.ExitCode == 0 && text.Contains("Cipher is ", StringComparison.Ordinal) && !text.Contains("Cipher is (NONE)", StringComparison.Ordinal), text);
    }
}
