namespace NeuralSec.Gateway.Identity;

/// <summary>Who the caller claims or proves to be, before the policy decides what it accepts.</summary>
internal sealed record CallerIdentity(string? ClientId, string? Group, CallerIdentitySource Source)
{
    public static CallerIdentity None { get; } = new(null, null, CallerIdentitySource.None);
}

/// <summary>Where an identity came from; a header claim is only as good as the mesh that set it.</summary>
internal enum CallerIdentitySource
{
    None,
    ClientCertificate,
    ApiKey,
    Header,

    /// <summary>No accepted identity; the policy's default client id was given.</summary>
    PolicyDefault,
}
