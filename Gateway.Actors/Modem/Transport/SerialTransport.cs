using System.IO.Ports;

namespace Gateway.Modem.Transport;

/// <summary>
/// A modem on a serial port through System.IO.Ports; a Linux pseudo-terminal (socat pty) works
/// too. What real ports and ptys need (see STACK-NOTES):
/// <list type="bullet">
/// <item>no hardware handshake; DTR/RTS are raised if the port has them — a pty has no
/// modem-control lines and throws "Inappropriate ioctl", which is not an error here;</item>
/// <item>stale bytes from an earlier session are discarded right after open;</item>
/// <item>reads run on the caller's own loop over <see cref="SerialPort.BaseStream"/>, never in a
/// DataReceived handler (an exception there ends the process);</item>
/// <item>open and close block, so they run off the caller's thread; the returned stream closes
/// the port when disposed, and the caller bounds that with a time limit.</item>
/// </list>
/// </summary>
public sealed class SerialTransport(string device, int baud) : IModemTransport
{
    public string Endpoint => $"serial:{device}@{baud}";

    public Task<Stream> OpenAsync(CancellationToken cancellationToken) => Task.Run<Stream>(() =>
    {
        cancellationToken.ThrowIfCancellationRequested();
        var port = new SerialPort(device, baud, Parity.None, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            ReadTimeout = SerialPort.InfiniteTimeout,
            WriteTimeout = SerialPort.InfiniteTimeout,
        };
        try
        {
            port.Open();
            try
            {
                port.DtrEnable = true;
                port.RtsEnable = true;
            }
            catch (IOException)
            {
                // a pty: no modem-control lines, and none needed
            }
            port.DiscardInBuffer();
            return new SerialPortStream(port);
        }
        catch
        {
            port.Dispose();
            throw;
        }
    }, cancellationToken);

    /// <summary>The port's BaseStream, owning the port: disposing it closes the port.</summary>
    private sealed class SerialPortStream(SerialPort port) : Stream
    {
        private readonly Stream _inner = port.BaseStream;

        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);
        public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _inner.WriteAsync(buffer, cancellationToken);
        public override void Flush() => _inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                try { port.Close(); }
                finally { port.Dispose(); }
            }
            base.Dispose(disposing);
        }
    }
}
