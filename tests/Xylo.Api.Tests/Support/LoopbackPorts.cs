using System.Net;
using System.Net.Sockets;

namespace Xylo.Api.Tests.Support;

public static class LoopbackPorts
{
    /// <summary>A loopback port free right now, for a server process the test starts itself.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
