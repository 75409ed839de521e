namespace NeuralSec.Policy.Model;

/// <summary><c>spec.identity.keyUnidentifiedBy</c>: how callers without an accepted identity are told apart.</summary>
public enum UnidentifiedKeying
{
    /// <summary><c>address</c>: one client per network address (IPv6: per /64 prefix).</summary>
    Address,

    /// <summary><c>shared</c>: all of them are the one default client.</summary>
    Shared,
}
