using System.Net;
using System.Net.Sockets;

namespace NeuralSec.LoadTest;

/// <summary>Free TCP ports on 127.0.0.1 for the processes a run starts.</summary>
internal static class LoopbackPort
{
    /// <summary>A port free now (the OS's pick); another process could take it before ours binds, which start-up then reports.</summary>
    public static int Free()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
