using Microsoft.Extensions.Time.Testing;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using NeuralSec.Gateway.Hosting;
using NeuralSec.Gateway.Tests.Infrastructure;
using NeuralSec.Gateway.Tests.Policy;

namespace NeuralSec.Gateway.Tests.Hosting;

/// <summary>Certificate reload by polling, on a clock the test moves (file events are covered end to end in
/// <see cref="Integration.TlsTests"/>): good pairs are swapped in, bad ones refused with the last good kept.</summary>
public sealed class ServerCertificateSourceTests : IDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(10);
    private readonly TestCertificates _pki = new();
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("neuralsec-tls-");
    private readonly FakeTimeProvider _clock = new();

    public ServerCertificateSourceTests() => _clock.Advance(DateTimeOffset.UtcNow - _clock.GetUtcNow());

    private string CertificatePath => Path.Combine(_dir.FullName, "tls.crt");

    private string KeyPath => Path.Combine(_dir.FullName, "tls.key");

    [Fact]
    public async Task A_renewed_pair_is_served_after_the_next_poll()
    {
        Write(_pki.ServerPem("CN=first"));
        using var source = await Started();
        Assert.Equal("CN=first", source.Current.Subject);

        Write(_pki.ServerPem("CN=renewed"));
        Assert.Equal("CN=first", source.Current.Subject); // nothing read between polls
        _clock.Advance(Poll);

        Assert.Equal("CN=renewed", source.Current.Subject);
        Assert.Equal(1, source.Reloads);
    }

    [Fact]
    public async Task A_bad_pair_is_refused_once_and_the_last_good_keeps_serving_until_a_good_one_comes()
    {
        var good = _pki.ServerPem("CN=good");
        Write(good);
        using var source = await Started();

        // A renewal copied certificate first: for a moment the new certificate sits beside the old key.
        var next = _pki.ServerPem("CN=next");
        Write((next.CertificatePem, good.KeyPem));
        _clock.Advance(Poll);
        _clock.Advance(Poll);

        Assert.Equal("CN=good", source.Current.Subject);
        Assert.Equal(1, source.Refusals);

        Write(next);
        _clock.Advance(Poll);
        Assert.Equal("CN=next", source.Current.Subject);
    }

    public static TheoryData<string> BadPairs => ["expired", "client-auth-only", "garbage-key", "no-certificate"];

    [Theory]
    [MemberData(nameof(BadPairs))]
    public async Task Refuses(string kind)
    {
        Write(_pki.ServerPem("CN=good"));
        using var source = await Started();

        Write(Bad(kind));
        _clock.Advance(Poll);

        Assert.Equal("CN=good", source.Current.Subject);
        Assert.Equal(1, source.Refusals);
    }

    [Fact]
    public void A_bad_pair_at_start_up_fails_it()
    {
        Write(Bad("garbage-key"));

        Assert.ThrowsAny<CryptographicException>(() => new ServerCertificateSource(CertificatePath, KeyPath, Poll, _clock, NullLogger<ServerCertificateSource>.Instance, useFileSystemWatcher: false));
    }

    [Fact]
    public async Task A_file_that_vanishes_mid_swap_is_read_again_later()
    {
        Write(_pki.ServerPem("CN=good"));
        using var source = await Started();

        File.Delete(KeyPath);
        _clock.Advance(Poll);
        Assert.Equal("CN=good", source.Current.Subject);

        Write(_pki.ServerPem("CN=back"));
        _clock.Advance(Poll);
        Assert.Equal("CN=back", source.Current.Subject);
    }

    public void Dispose()
    {
        _dir.Delete(recursive: true);
        _pki.Dispose();
    }

    private (string, string) Bad(string kind) => kind switch
    {
        "expired" => _pki.ServerPem("CN=expired", notAfter: DateTimeOffset.UtcNow.AddHours(-1)),
        "client-auth-only" => _pki.ServerPem("CN=client", clientAuthOnly: true),
        "garbage-key" => (_pki.ServerPem("CN=garbage").CertificatePem, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
        "no-certificate" => (string.Empty, _pki.ServerPem("CN=x").KeyPem),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private async Task<ServerCertificateSource> Started()
    {
        var source = new ServerCertificateSource(CertificatePath, KeyPath, Poll, _clock, NullLogger<ServerCertificateSource>.Instance, useFileSystemWatcher: false);
        await source.StartAsync(CancellationToken.None);
        return source;
    }

    private void Write((string CertificatePem, string KeyPem) pair)
    {
        File.WriteAllText(CertificatePath, pair.CertificatePem);
        File.WriteAllText(KeyPath, pair.KeyPem);
    }
}
