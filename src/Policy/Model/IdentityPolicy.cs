namespace NeuralSec.Policy.Model;

/// <summary><c>spec.identity</c>: how much this policy trusts what the caller says about itself.</summary>
public sealed record IdentityPolicy
{
    /// <summary><c>trustHeader</c>: accept the mesh-set identity header (e.g. <c>x-forwarded-client-cert</c>).
    /// Only for pods whose only ingress is a mesh proxy that strips and sets it.</summary>
    public bool TrustHeader { get; init; }

    /// <summary><c>defaultClient</c>: id given to callers with no accepted identity; null refuses them with
    /// UNAUTHENTICATED.</summary>
    public string? DefaultClient { get; init; } = "anonymous";

    /// <summary><c>keyUnidentifiedBy</c>: whether callers without an accepted identity share the one client id
    /// <see cref="DefaultClient"/>, or each network address is its own client under it
    /// (<c>anonymous@10.1.2.3</c>; IPv6 by its /64) — the default, so one caller's budget and history are not
    /// every caller's.</summary>
    public UnidentifiedKeying KeyUnidentifiedBy { get; init; } = UnidentifiedKeying.Address;
}
