using System.Text;

namespace Gateway.Mail.Smtp.Network;

/// <summary>
/// A stream between the connection (plain or TLS) and SmtpServer's pipe that enforces the limits
/// the library does not: no line longer than <c>max-line-length</c>, and no more message bytes
/// during DATA than the memory bound <c>2 × max-message-size + 64k</c> (the exact size check is
/// the message store's; this only stops a client from filling memory). SmtpServer buffers a whole
/// line, or a whole message, before it looks at it, so these limits must act on the bytes as they
/// arrive. When a limit trips the guard writes one final reply, reports the reason, and from then
/// on reads end (the session sees end of stream and closes) and writes are dropped.
/// </summary>
public sealed class SmtpInputGuard : Stream
{
    private readonly int _maxLine;
    private readonly long _maxData;
    private readonly Action<string> _onTripped;
    private int _line;
    private long _data;
    private volatile bool _inData;
    private volatile bool _tripped;

    public SmtpInputGuard(Stream inner, int maxLineLength, long maxMessageSize, Action<string> onTripped)
    {
        Inner = inner;
        _maxLine = maxLineLength;
        _maxData = maxMessageSize * 2 + 64 * 1024;
        _onTripped = onTripped;
    }

    /// <summary>The stream underneath; replaced by the TLS stream after STARTTLS.</summary>
    public Stream Inner { get; set; }

    public bool Tripped => _tripped;

    /// <summary>DATA started (its 354 is about to be sent): count message bytes from here.</summary>
    public void BeginData()
    {
        _data = 0;
        _inData = true;
    }

    public void EndData() => _inData = false;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_tripped) return 0;
        var n = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (n == 0) return 0;
        var problem = Inspect(buffer.Span[..n]);
        if (problem is null) return n;
        await TripAsync(problem).ConfigureAwait(false);
        return 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>Updates the counters with bytes just read; returns the final reply if a limit is crossed.</summary>
    private string? Inspect(ReadOnlySpan<byte> bytes)
    {
        if (_inData)
        {
            _data += bytes.Length;
            if (_data > _maxData)
                return $"552 5.3.4 message too big: it passed {_maxData} bytes, far over the limit; closing";
        }
        var rest = bytes;
        while (true)
        {
            var lf = rest.IndexOf((byte)'\n');
            if (lf < 0)
            {
                _line += rest.Length;
                break;
            }
            _line += lf;
            if (_line > _maxLine) break;
            _line = 0;
            rest = rest[(lf + 1)..];
        }
        return _line > _maxLine ? $"500 5.5.2 line too long: the limit is {_maxLine} bytes; closing" : null;
    }

    private async Task TripAsync(string reply)
    {
        _tripped = true;
        _onTripped(reply);
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await Inner.WriteAsync(Encoding.ASCII.GetBytes(reply + "\r\n"), cts.Token).ConfigureAwait(false);
            await Inner.FlushAsync(cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // the client is gone or not reading; closing is all that is left
        }
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _tripped ? ValueTask.CompletedTask : Inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count)
    {
        if (!_tripped) Inner.Write(buffer, offset, count);
    }

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _tripped ? Task.CompletedTask : Inner.FlushAsync(cancellationToken);

    public override void Flush()
    {
        if (!_tripped) Inner.Flush();
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
