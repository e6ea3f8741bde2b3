using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.RoutingLoad;

/// <summary>
/// A plain SMTP submission client on one connection (EHLO, AUTH PLAIN, then MAIL/RCPT/DATA per
/// mail), lean enough that the time it reads the 250 after DATA is the time the server sent it.
/// </summary>
public sealed class SmtpLoadClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly StreamReader _reader;
    private readonly Stream _stream;

    private SmtpLoadClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _reader = new StreamReader(_stream, Encoding.ASCII);
    }

    public static async Task<SmtpLoadClient> ConnectAsync(IPEndPoint server, string user, string password)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(server);
        var client = new SmtpLoadClient(tcp);
        await client.ExpectAsync(220);
        await client.CommandAsync("EHLO bench.example", 250);
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));
        await client.CommandAsync("AUTH PLAIN " + token, 235);
        return client;
    }

    /// <summary>Submits one mail; returns the Stopwatch time stamp at which its 250 was read.</summary>
    public async Task<long> SendAsync(string from, string to, string subject, string text)
    {
        await CommandAsync($"MAIL FROM:<{from}>", 250);
        await CommandAsync($"RCPT TO:<{to}>", 250);
        await CommandAsync("DATA", 354);
        var mail = $"From: <{from}>\r\nTo: <{to}>\r\nSubject: {subject}\r\nDate: {DateTimeOffset.UtcNow:R}\r\n" +
                   $"Message-ID: <{Guid.NewGuid():N}@bench.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n.\r\n";
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(mail));
        await ExpectAsync(250);
        return Stopwatch.GetTimestamp();
    }

    private async Task CommandAsync(string line, int expected)
    {
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
        await ExpectAsync(expected);
    }

    private async Task ExpectAsync(int expected)
    {
        while (true)
        {
            var line = await _reader.ReadLineAsync() ?? throw new IOException("the server closed the connection");
            if (line.Length < 4 || !int.TryParse(line.AsSpan(0, 3), out var code)) throw new IOException($"not an SMTP reply: {line}");
            if (line[3] == '-') continue;
            if (code != expected) throw new IOException($"expected {expected}, got: {line}");
            return;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _stream.WriteAsync("QUIT\r\n"u8.ToArray());
        }
        catch (IOException)
        {
        }
        _tcp.Dispose();
    }
}
