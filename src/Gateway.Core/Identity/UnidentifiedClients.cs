using System.Net;
using System.Net.Sockets;
using NeuralSec.Policy.Model;

namespace NeuralSec.Gateway.Identity;

/// <summary>
/// The client id of a caller with no accepted identity (<c>spec.identity.keyUnidentifiedBy</c>): the policy's
/// default client, alone (<c>shared</c>) or per network address (<c>address</c>: <c>anonymous@10.1.2.3</c>; an IPv6
/// caller by its /64, since one host may hold a whole /64 and rotate within it). The address is the transport's
/// peer, never a header the caller wrote, so the id cannot be chosen by the caller beyond the addresses it owns.
/// </summary>
internal static class UnidentifiedClients
{
    public static string Key(string defaultClient, UnidentifiedKeying keying, string? remoteAddress)
    {
        if (keying == UnidentifiedKeying.Shared || remoteAddress is null || !IPAddress.TryParse(remoteAddress, out var address))
        {
            return defaultClient;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out _);
            bytes[8..].Clear();
            return $"{defaultClient}@{new IPAddress(bytes)}/64";
        }

        return $"{defaultClient}@{address}";
    }
}
