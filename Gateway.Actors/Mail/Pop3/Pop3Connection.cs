using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using Akka.Actor;

namespace Gateway.Mail.Pop3;

/// <summary>
/// The byte side of one POP3 connection (MailKit's Pop3Stream idea, for a server): TLS (implicit,
/// or STLS on request), line framing with a length limit, the idle timeout, and writing replies.
/// It runs as one task per connection and talks to its session actor only by messages: every
/// line read becomes <see cref="LineReceived"/>; the actor answers each with exactly one reply
/// through <see cref="Send"/> (a non-blocking queue), and only after writing it does the
/// connection read the next line. So commands are handled strictly in order, pipelined ones
/// included, and the input buffered when STLS is accepted is discarded (RFC 2595: no plaintext
/// may be injected into the TLS session).
/// </summary>
public sealed class Pop3Connection : IDisposable
{
    /// <summary>The longest command line accepted, CRLF included (RFC 2449 asks for 255; SASL responses and long passwords need more).</summary>
    public const int MaxLineLength = 1024;

    /// <summary>The connection is up (after the implicit TLS handshake, if any); the session answers with the greeting.</summary>
    public sealed record ConnectionOpened(bool Secure);

    /// <summary>A command line (or SASL response), CRLF removed, bytes as Latin-1 characters.</summary>
    public sealed record LineReceived(string Line);

    /// <summary>A line longer than <see cref="MaxLineLength"/> was read and thrown away.</summary>
    public sealed class LineTooLong
    {
        public static readonly LineTooLong Instance = new();
    }

    /// <summary>STLS completed; the connection is now encrypted.</summary>
    public sealed class TlsStarted
    {
        public static readonly TlsStarted Instance = new();
    }

    /// <summary>The connection is gone (client closed it, idle timeout, I/O or TLS error, or a reply closed it).</summary>
    public sealed record ConnectionClosed(string Reason);

    private readonly Socket _socket;
    private readonly X509Certificate2? _certificate;
    private readonly bool _implicitTls;
    private readonly TimeSpan _idleTimeout;
    private readonly IActorRef _session;
    private readonly Channel<Pop3Reply> _replies = Channel.CreateUnbounded<Pop3Reply>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private Stream _stream;
    private LineReader _reader;

    public IPEndPoint? Remote { get; }

    /// <param name="certificate">For implicit TLS and STLS; null when none is configured.</param>
    /// <param name="implicitTls">TLS from the first byte (port 995 style).</param>
    public Pop3Connection(Socket socket, X509Certificate2? certificate, bool implicitTls, TimeSpan idleTimeout, IActorRef session)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _certificate = certificate;
        _implicitTls = implicitTls;
        _idleTimeout = idleTimeout;
        _session = session;
        Remote = socket.RemoteEndPoint as IPEndPoint;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new LineReader(_stream, MaxLineLength);
    }

    /// <summary>Starts the connection's task; from now on it reports to the session.</summary>
    public void Start() => _ = Task.Run(RunAsync);

    /// <summary>Queues a reply; never blocks. Called by the session actor.</summary>
    public void Send(Pop3Reply reply) => _replies.Writer.TryWrite(reply);

    private async Task RunAsync()
    {
        var reason = "closed";
        try
        {
            if (_implicitTls) await StartTlsAsync();
            _session.Tell(new ConnectionOpened(_implicitTls));
            while (true)
            {
                var reply = await _replies.Reader.ReadAsync(_stop.Token);
                await _stream.WriteAsync(reply.Bytes.AsMemory(), _stop.Token);
                if (reply.After == Pop3ReplyAction.Close)
                {
                    reason = "closed after the last reply";
                    break;
                }
                if (reply.After == Pop3ReplyAction.StartTls)
                {
                    _reader.DiscardBuffered();
                    await StartTlsAsync();
                    _session.Tell(TlsStarted.Instance);
                }

                using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                idle.CancelAfter(_idleTimeout);
                LineRead read;
                try
                {
                    read = await _reader.ReadLineAsync(idle.Token);
                }
                catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                {
                    await WriteQuietlyAsync("-ERR [SYS/TEMP] disconnected for inactivity\r\n"u8.ToArray());
                    reason = "idle timeout";
                    break;
                }
                if (read.EndOfStream)
                {
                    reason = "client closed the connection";
                    break;
                }
                _session.Tell(read.TooLong ? LineTooLong.Instance : new LineReceived(read.Line!));
            }
        }
        catch (OperationCanceledException)
        {
            reason = "server stopped the session";
        }
        catch (AuthenticationException e)
        {
            reason = "TLS handshake failed: " + e.Message;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or ChannelClosedException)
        {
            reason = "connection error: " + e.Message;
        }
        finally
        {
            if (!_stop.IsCancellationRequested) _session.Tell(new ConnectionClosed(reason));
            Close();
        }
    }

    private async Task StartTlsAsync()
    {
        if (_certificate is null) throw new AuthenticationException("no certificate is configured");
        var tls = new SslStream(_stream, leaveInnerStreamOpen: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(_idleTimeout);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = _certificate,
            ClientCertificateRequired = false,
            EnabledSslProtocols = SslProtocols.None, // the system's default: TLS 1.2 and 1.3
        }, timeout.Token);
        _stream = tls;
        _reader = new LineReader(tls, MaxLineLength);
    }

    private async Task WriteQuietlyAsync(byte[] bytes)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _stream.WriteAsync(bytes, timeout.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // the client is gone anyway
        }
    }

    private void Close()
    {
        _replies.Writer.TryComplete();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // already closed
        }
        _stream.Dispose();
    }

    /// <summary>Stops the task and closes the socket (the session actor stopped).</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _replies.Writer.TryComplete();
        try
        {
            _socket.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}

/// <summary>One result of <see cref="LineReader.ReadLineAsync"/>: a line, a line that was too long (discarded), or the end of the stream.</summary>
public readonly record struct LineRead(string? Line, bool TooLong, bool EndOfStream);

/// <summary>
/// Reads CRLF-terminated lines (a bare LF is accepted too) with a hard length limit: a longer line
/// is read to its end and thrown away, so a client cannot make the server buffer without bound.
/// </summary>
public sealed class LineReader(Stream stream, int maxLineLength)
{
    private readonly byte[] _buffer = new byte[Math.Max(maxLineLength, 4096)];
    private int _start;
    private int _end;

    public async ValueTask<LineRead> ReadLineAsync(CancellationToken cancellationToken)
    {
        var discarding = false;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var length = newline - _start;
                var tooLong = discarding || length + 1 > maxLineLength;
                var line = tooLong ? null : Encoding.Latin1.GetString(_buffer, _start, length > 0 && _buffer[newline - 1] == '\r' ? length - 1 : length);
                _start = newline + 1;
                return new LineRead(line, tooLong, false);
            }
            if (_end - _start >= maxLineLength)
            {
                discarding = true; // keep reading to the end of this line, keeping nothing
                _start = _end = 0;
            }
            else if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0) return new LineRead(null, false, true);
            _end += read;
        }
    }

    /// <summary>Drops whatever was read but not yet returned as a line; returns how many bytes that was.</summary>
    public int DiscardBuffered()
    {
        var dropped = _end - _start;
        _start = _end = 0;
        return dropped;
    }
}
