using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.Support;

/// <summary>
/// A bare-socket POP3 client for the cases real clients never produce: malformed and over-long
/// commands, binary junk, pipelining, vanishing mid-command. Reads with a deadline, never sleeps.
/// </summary>
public sealed class RawPop3 : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawPop3(TcpClient tcp)
    {
        _tcp = tcp;
        _tcp.NoDelay = true;
        _stream = tcp.GetStream();
    }

    public static async Task<RawPop3> ConnectAsync(IPEndPoint endpoint, bool implicitTls = false)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint);
        var client = new RawPop3(tcp);
        if (implicitTls) await client.StartTlsAsync();
        return client;
    }

    public async Task StartTlsAsync()
    {
        var tls = new SslStream(_stream, false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        _stream = tls;
        _start = _end = 0;
    }

    public Task SendRawAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    public Task SendAsync(string text) => SendRawAsync(Encoding.Latin1.GetBytes(text));

    /// <summary>Sends one command (CRLF added) and returns the first reply line.</summary>
    public async Task<string> CommandAsync(string command)
    {
        await SendAsync(command + "\r\n");
        return await ReadLineAsync();
    }

    /// <summary>The next line without its CRLF, or null when the server closed the connection.</summary>
    public async Task<string?> ReadLineOrEndAsync()
    {
        using var deadline = new CancellationTokenSource(Deadline);
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = Encoding.Latin1.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                _start = newline + 1;
                return line;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            int read;
            try
            {
                read = await _stream.ReadAsync(_buffer.AsMemory(_end), deadline.Token);
            }
            catch (IOException)
            {
                return null; // reset by the server
            }
            if (read == 0) return null;
            _end += read;
        }
    }

    public async Task<string> ReadLineAsync() =>
        await ReadLineOrEndAsync() ?? throw new IOException("the server closed the connection");

    /// <summary>The lines of a multi-line reply after its status line, dot-stuffing undone, without the final dot.</summary>
    public async Task<List<string>> ReadMultiLineAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync();
            if (line == ".") return lines;
            lines.Add(line.StartsWith('.') ? line[1..] : line);
        }
    }

    /// <summary>Logs in with USER/PASS; returns the reply to PASS.</summary>
    public async Task<string> LogInAsync(string user, string password)
    {
        var userReply = await CommandAsync("USER " + user);
        if (!userReply.StartsWith("+OK")) return userReply;
        return await CommandAsync("PASS " + password);
    }

    /// <summary>True once the server has closed the connection (reads until the end, within the deadline).</summary>
    public async Task<bool> ClosedByServerAsync()
    {
        while (await ReadLineOrEndAsync() is not null) { }
        return true;
    }

    /// <summary>Drops the connection without QUIT (RST), like a client that vanished.</summary>
    public void Vanish()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
