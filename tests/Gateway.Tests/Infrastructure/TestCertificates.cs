using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NeuralSec.Gateway.Tests.Infrastructure;

/// <summary>A throw-away PKI made in the test: a CA, a server certificate for 127.0.0.1 and client certificates,
/// written as PEM files the sidecar is configured with.</summary>
internal sealed class TestCertificates : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("neuralsec-pki-");

    public TestCertificates()
    {
        Ca = CreateCa("CN=NeuralSec Test CA");
        RogueCa = CreateCa("CN=Rogue CA");
        CaPath = Write("ca.pem", Ca.ExportCertificatePem());
        var server = Issue(Ca, "CN=localhost", clientAuth: false, san: b =>
        {
            b.AddIpAddress(IPAddress.Loopback);
            b.AddDnsName("localhost");
        });
        ServerCertificatePath = Write("server.pem", server.ExportCertificatePem());
        ServerKeyPath = Write("server.key", server.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 RogueCa { get; }

    public string CaPath { get; }

    public string ServerCertificatePath { get; }

    public string ServerKeyPath { get; }

    /// <summary>A client certificate with the given subject, signed by the test CA (or the rogue one).</summary>
    public X509Certificate2 Client(string subject, bool rogue = false)
    {
        var cert = Issue(rogue ? RogueCa : Ca, subject, clientAuth: true, san: null);

        // SslStream needs the key in a platform store-compatible form.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>Another server certificate for 127.0.0.1 from the test CA, as PEM (certificate, key): what a
    /// renewal would write. <paramref name="notAfter"/> in the past makes an expired one.</summary>
    public (string CertificatePem, string KeyPem) ServerPem(string subject, DateTimeOffset? notAfter = null, bool clientAuthOnly = false)
    {
        var cert = Issue(Ca, subject, clientAuth: clientAuthOnly, san: b =>
        {
            b.AddIpAddress(IPAddress.Loopback);
            b.AddDnsName("localhost");
        }, notAfter);
        return (cert.ExportCertificatePem(), cert.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private static X509Certificate2 CreateCa(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, bool clientAuth, Action<SubjectAlternativeNameBuilder>? san, DateTimeOffset? notAfter = null)
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(clientAuth ? "1.3.6.1.5.5.7.3.2" : "1.3.6.1.5.5.7.3.1")], false));
        if (san is not null)
        {
            var builder = new SubjectAlternativeNameBuilder();
            san(builder);
            request.CertificateExtensions.Add(builder.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        var until = notAfter ?? DateTimeOffset.UtcNow.AddDays(10);
        using var signed = request.Create(ca, until.AddDays(-11), until, serial);
        return signed.CopyWithPrivateKey(key);
    }

    private string Write(string name, string pem)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, pem);
        return path;
    }
}
