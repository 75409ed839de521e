using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace NeuralSec.Gateway.Identity;

/// <summary>
/// Accepts a client certificate only when it chains to one of the configured client CAs — not to the machine's
/// public roots, which would let any publicly issued certificate in — and is valid for client authentication.
/// </summary>
internal sealed class ClientCertificateValidator
{
    private const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";
    private readonly X509Certificate2Collection _roots;

    public ClientCertificateValidator(string caBundlePath)
    {
        _roots = [];
        _roots.ImportFromPemFile(caBundlePath);
        if (_roots.Count == 0)
        {
            throw new InvalidDataException($"{caBundlePath}: no PEM certificate found");
        }
    }

    public bool Validate(X509Certificate2 certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(ClientAuthenticationOid));
        if (chain is not null)
        {
            // Intermediates the client sent along.
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(certificate);
    }
}
