using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.ModemLoad;

/// <summary>
/// The baseline: a bare AT client on a socket (NoDelay), no framing beyond "read until the
/// reply ends". Its round trips are what the network stack and the modem cost; the module
/// actor's figures minus these are what the actor adds.
/// </summary>
public sealed class RawAtClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[8192];
    private readonly StringBuilder _reply = new();

    private RawAtClient(Socket socket) => _socket = socket;

    public static async Task<RawAtClient> ConnectAsync(IPEndPoint endpoint)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint);
        return new RawAtClient(socket);
    }

    /// <summary>Writes a command and reads until its final OK; throws on ERROR.</summary>
    public async Task CommandAsync(string command)
    {
        await WriteAsync(command + "\r");
        await ReadUntilAsync("OK\r\n");
    }

    /// <summary>AT+CMGS: command, prompt, PDU with Ctrl-Z, +CMGS and OK: two round trips.</summary>
    public async Task SendPduAsync(int tpduLength, string pduHex)
    {
        await WriteAsync($"AT+CMGS={tpduLength}\r");
        await ReadUntilAsync("> ");
        await WriteAsync(pduHex + "\x1A");
        await ReadUntilAsync("OK\r\n");
    }

    private async Task WriteAsync(string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        var sent = 0;
        while (sent < bytes.Length) sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
    }

    private async Task ReadUntilAsync(string end)
    {
        _reply.Clear();
        while (true)
        {
            var n = await _socket.ReceiveAsync(_buffer, SocketFlags.None);
            if (n == 0) throw new IOException("the modem closed the connection");
            _reply.Append(Encoding.ASCII.GetString(_buffer, 0, n));
            var text = _reply.ToString();
            if (text.Contains("ERROR", StringComparison.Ordinal)) throw new IOException($"the modem answered {text.Trim()}");
            if (text.EndsWith(end, StringComparison.Ordinal)) return;
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
