using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.Mail.Smtp;

/// <summary>
/// A bare TCP client for SMTP tests that need exact bytes on the wire: malformed and pipelined
/// commands, junk, over-long lines, a client that goes away mid-command. Reads replies with a
/// deadline; never sleeps.
/// </summary>
public sealed class RawSmtpClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);
    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly List<byte> _pending = new();

    private RawSmtpClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawSmtpClient> ConnectAsync(IPEndPoint endpoint)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(endpoint);
        return new RawSmtpClient(tcp);
    }

    /// <summary>TLS handshake on the open connection (after STARTTLS); false if the server refused it.</summary>
    public async Task<bool> UpgradeToTlsAsync()
    {
        var ssl = new System.Net.Security.SslStream(_stream, leaveInnerStreamOpen: true, (_, _, _, _) => true);
        try
        {
            using var cts = new CancellationTokenSource(DefaultWait);
            await ssl.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions { TargetHost = "localhost" }, cts.Token);
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
            return false;
        }
        _pending.Clear();
        _stream = ssl;
        return true;
    }

    public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>One reply line without CRLF, or null when the server closed the connection.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan? wait = null)
    {
        using var cts = new CancellationTokenSource(wait ?? DefaultWait);
        var buffer = new byte[4096];
        while (true)
        {
            var lf = _pending.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var line = Encoding.ASCII.GetString(_pending.GetRange(0, lf).ToArray()).TrimEnd('\r');
                _pending.RemoveRange(0, lf + 1);
                return line;
            }
            int n;
            try
            {
                n = await _stream.ReadAsync(buffer, cts.Token);
            }
            catch (IOException)
            {
                return null; // reset by the server
            }
            if (n == 0) return null;
            _pending.AddRange(buffer.AsSpan(0, n).ToArray());
        }
    }

    /// <summary>A whole reply (continuation lines "250-…" included), lines joined with \n; null if the connection closed first.</summary>
    public async Task<string?> ReadReplyAsync(TimeSpan? wait = null)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(wait);
            if (line is null) return lines.Count == 0 ? null : string.Join("\n", lines);
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-') return string.Join("\n", lines);
        }
    }

    /// <summary>Reads until the server closes; returns what it said meanwhile. Fails the test if it does not close in time.</summary>
    public async Task<string> ReadUntilClosedAsync(TimeSpan? wait = null)
    {
        var said = new StringBuilder();
        while (await ReadLineAsync(wait) is { } line) said.AppendLine(line);
        return said.ToString();
    }

    public static string Base64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    public static string PlainAuth(string user, string password) => Base64($"\0{user}\0{password}");

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
