using System.Net.Sockets;

namespace Gateway.Modem.Transport;

/// <summary>
/// A modem behind a TCP port (a modem pool, ser2net, the virtual modem server): the connection
/// carries the raw serial bytes. Nagle is off (<see cref="Socket.NoDelay"/>) because every AT
/// exchange is a few small writes waiting for a reply, the worst case for delayed ACKs.
/// </summary>
public sealed class TcpTransport(string host, int port) : IModemTransport
{
    public string Endpoint => $"tcp://{host}:{port}";

    public async Task<Stream> OpenAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
