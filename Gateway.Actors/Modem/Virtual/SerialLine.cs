using System.Buffers;
using System.IO.Pipelines;

namespace Gateway.Modem.Virtual;

/// <summary>
/// An in-memory serial line between a client (the driver, or a TCP bridge) and a virtual modem:
/// one pipe per direction. The client holds <see cref="ClientEnd"/>, a plain duplex
/// <see cref="Stream"/>; the modem's session reads <see cref="ModemInput"/> and writes
/// <see cref="ModemOutput"/>. Disposing the client stream is closing the port; the modem hanging
/// up completes its output, so the client reads end of stream and its writes fail.
/// </summary>
internal sealed class SerialLine
{
    /// <summary>
    /// Bytes a side may have written that the other has not read yet before its writes wait
    /// (a UART's flow control, much larger than a real one's FIFO).
    /// </summary>
    private const long BufferedBytesLimit = 64 * 1024;

    private static readonly PipeOptions Options = new(
        pauseWriterThreshold: BufferedBytesLimit,
        resumeWriterThreshold: BufferedBytesLimit / 2,
        useSynchronizationContext: false);

    private readonly Pipe _toModem = new(Options);
    private readonly Pipe _toClient = new(Options);

    public SerialLine() => ClientEnd = new ClientStream(_toClient.Reader, _toModem.Writer);

    public Stream ClientEnd { get; }

    public PipeReader ModemInput => _toModem.Reader;

    public PipeWriter ModemOutput => _toClient.Writer;

    /// <summary>
    /// The client's end: reads what the modem wrote, writes what the modem will read. Safe to
    /// dispose while a read is pending on another thread (the read then ends with 0 bytes).
    /// </summary>
    private sealed class ClientStream(PipeReader reader, PipeWriter writer) : Stream
    {
        private readonly object _gate = new();
        private bool _reading;
        private bool _disposed;

        public override bool CanRead => !_disposed;
        public override bool CanWrite => !_disposed;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_reading) throw new InvalidOperationException("only one read at a time");
                _reading = true;
            }
            try
            {
                while (true)
                {
                    var result = await reader.ReadAsync(cancellationToken);
                    var data = result.Buffer;
                    if (result.IsCanceled)
                    {
                        reader.AdvanceTo(data.Start);
                        return 0; // disposed while reading
                    }
                    if (!data.IsEmpty)
                    {
                        var n = (int)Math.Min(buffer.Length, data.Length);
                        data.Slice(0, n).CopyTo(buffer.Span);
                        reader.AdvanceTo(data.GetPosition(n));
                        return n;
                    }
                    reader.AdvanceTo(data.End);
                    if (result.IsCompleted) return 0; // the modem hung up
                }
            }
            finally
            {
                lock (_gate)
                {
                    _reading = false;
                    if (_disposed) reader.Complete();
                }
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var result = await writer.WriteAsync(buffer, cancellationToken);
            if (result.IsCompleted) throw new IOException("the virtual modem's line is closed");
        }

        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            lock (_gate)
            {
                if (_disposed) return;
                _disposed = true;
                writer.Complete();
                // A pending read owns the reader: wake it and let it complete the reader itself.
                if (_reading) reader.CancelPendingRead();
                else reader.Complete();
            }
            base.Dispose(disposing);
        }
    }
}
