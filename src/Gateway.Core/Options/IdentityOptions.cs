using System.ComponentModel.DataAnnotations;

namespace NeuralSec.Gateway.Options;

/// <summary>How callers are identified (<c>NeuralSec:Identity</c>). Which identities a policy accepts — the mesh
/// header in particular — is the policy's call; this says where to look and in which order.</summary>
internal sealed class IdentityOptions
{
    /// <summary>Where to look, first match wins.</summary>
    public List<IdentitySource> Sources { get; set; } = [IdentitySource.ClientCertificate, IdentitySource.ApiKey, IdentitySource.Header];

    /// <summary>PEM bundle of the CA(s) that sign client certificates. Set → TLS ports ask for a client
    /// certificate and accept only chains to these roots.</summary>
    public string? ClientCaPath { get; set; }

    /// <summary>Refuse TLS connections without a client certificate (otherwise they fall through to other sources).</summary>
    public bool RequireClientCertificate { get; set; }

    /// <summary>Which part of a client certificate names the client.</summary>
    public CertificateIdentityField CertificateField { get; set; } = CertificateIdentityField.CommonName;

    /// <summary>Header carrying an API key.</summary>
    [Required]
    public string ApiKeyHeader { get; set; } = "x-api-key";

    /// <summary>File of hashed API keys, one per line: <c>clientId:group:sha256-hex-of-key</c> (group may be
    /// empty). A Kubernetes Secret mounted as a file.</summary>
    public string? ApiKeysFile { get; set; }

    /// <summary>Throttling of wrong API keys per source address.</summary>
    [Required]
    public FailedAuthOptions FailedAuth { get; set; } = new();

    /// <summary>Header a mesh sets with the caller's identity: Envoy's <c>x-forwarded-client-cert</c> (URI or
    /// Subject CN is used) or a plain id header. Trusted only where the policy says <c>trustHeader: true</c>.</summary>
    [Required]
    public string TrustedHeader { get; set; } = "x-forwarded-client-cert";
}

/// <summary>A place a caller's identity can come from.</summary>
internal enum IdentitySource
{
    ClientCertificate,
    ApiKey,
    Header,
}

/// <summary>The certificate field used as the client id.</summary>
internal enum CertificateIdentityField
{
    /// <summary>The subject's CN.</summary>
    CommonName,

    /// <summary>The first URI subject alternative name (SPIFFE ids), else the first DNS name.</summary>
    SubjectAlternativeName,
}
