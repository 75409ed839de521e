using System.Net;
using System.Net.Sockets;

namespace NeuralSec.Processes;

/// <summary>Free TCP ports on 127.0.0.1 for the processes a run starts.</summary>
public static class LoopbackPort
{
    /// <summary>A port free now (the OS's pick); another process could take it before ours binds, which start-up then reports.</summary>
    public static int Free() => Free(1)[0];

    /// <summary><paramref name="count"/> distinct free ports: every listener stays open until all are picked, so the
    /// OS cannot hand the same port out twice (picked one at a time, a released port may come back at once).</summary>
    public static int[] Free(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listeners.Add(listener);
                listener.Start();
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Dispose();
            }
        }
    }
}
