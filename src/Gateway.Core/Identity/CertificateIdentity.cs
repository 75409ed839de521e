using System.Security.Cryptography.X509Certificates;
using NeuralSec.Gateway.Options;

namespace NeuralSec.Gateway.Identity;

/// <summary>The client id (and group: the subject's first OU) of a verified client certificate.</summary>
internal static class CertificateIdentity
{
    public static CallerIdentity? From(X509Certificate2? certificate, CertificateIdentityField field)
    {
        if (certificate is null)
        {
            return null;
        }

        var id = field == CertificateIdentityField.SubjectAlternativeName ? SubjectAlternativeName(certificate) : null;
        id ??= certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        return new CallerIdentity(id, OrganizationalUnit(certificate.SubjectName), CallerIdentitySource.ClientCertificate);
    }

    private static string? SubjectAlternativeName(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                // URIs are not exposed by the extension type; SPIFFE ids come as DNS-less URIs, so parse the raw
                // formatted text as a fallback.
                var uri = san.Format(multiLine: true).Split('\n')
                    .Select(l => l.Trim())
                    .FirstOrDefault(l => l.StartsWith("URL=", StringComparison.Ordinal) || l.StartsWith("URI:", StringComparison.Ordinal));
                if (uri is not null)
                {
                    return uri[4..].Trim();
                }

                return san.EnumerateDnsNames().FirstOrDefault();
            }
        }

        return null;
    }

    private static string? OrganizationalUnit(X500DistinguishedName name)
    {
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.GetSingleElementType().Value == "2.5.4.11")
            {
                return rdn.GetSingleElementValue();
            }
        }

        return null;
    }
}
