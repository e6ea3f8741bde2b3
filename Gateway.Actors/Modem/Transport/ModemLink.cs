using System.Text;
using Akka.Actor;
using Gateway.Modem.At;

namespace Gateway.Modem.Transport;

/// <summary>
/// The open byte stream to one modem, driven so that the actor never blocks: a read loop of its
/// own frames bytes into lines (<see cref="LineFramer"/>) and tells each to the owner as
/// <see cref="LineReceived"/>. <see cref="Write"/> starts an asynchronous write at once when none
/// is pending (a socket with room in its buffer finishes it before returning, which saves a thread
/// hop per AT command); a write that cannot finish at once completes on its own and later writes
/// queue behind it, in order. The first failure (end of stream, I/O error) is told once as
/// <see cref="LinkLost"/>. <see cref="CloseAsync"/> stops reading and writing and closes the
/// stream within a time limit.
/// </summary>
public sealed class ModemLink
{
    /// <summary>A line, prompt or over-long line from the modem, in arrival order.</summary>
    public sealed record LineReceived(FramedLine Line);

    /// <summary>The stream ended or failed; the link is dead.</summary>
    public sealed record LinkLost(string Reason);

    private readonly Stream _stream;
    private readonly IActorRef _owner;
    private readonly Queue<ReadOnlyMemory<byte>> _queuedWrites = new();
    private readonly object _writeLock = new();
    private readonly CancellationTokenSource _stop = new();
    private bool _writing;
    private bool _closed;
    private int _lost;

    private ModemLink(Stream stream, IActorRef owner)
    {
        _stream = stream;
        _owner = owner;
    }

    /// <summary>Starts the loops over an open stream; lines go to <paramref name="owner"/>.</summary>
    public static ModemLink Start(Stream stream, IActorRef owner, int maxLineLength = LineFramer.DefaultMaxLineLength)
    {
        var link = new ModemLink(stream, owner);
        _ = Task.Run(() => link.ReadLoop(new LineFramer(maxLineLength)));
        return link;
    }

    /// <summary>Writes text to the modem as ASCII/Latin-1 bytes (AT commands end with CR, PDUs with Ctrl-Z); never blocks.</summary>
    public void Write(string text)
    {
        ReadOnlyMemory<byte> bytes = Encoding.Latin1.GetBytes(text);
        lock (_writeLock)
        {
            if (_closed) return;
            if (_writing)
            {
                _queuedWrites.Enqueue(bytes);
                return;
            }
            _writing = true;
        }
        WriteFrom(bytes);
    }

    /// <summary>Writes <paramref name="bytes"/> and whatever queued behind it, until a write has to wait.</summary>
    private void WriteFrom(ReadOnlyMemory<byte> bytes)
    {
        while (true)
        {
            ValueTask write;
            try
            {
                write = _stream.WriteAsync(bytes, _stop.Token);
            }
            catch (Exception e)
            {
                WriteFailed(e);
                return;
            }
            if (!write.IsCompletedSuccessfully)
            {
                _ = FinishWrite(write);
                return;
            }
            if (!NextQueued(out bytes)) return;
        }
    }

    private async Task FinishWrite(ValueTask write)
    {
        try
        {
            await write;
        }
        catch (Exception e)
        {
            WriteFailed(e);
            return;
        }
        if (NextQueued(out var next)) WriteFrom(next);
    }

    private bool NextQueued(out ReadOnlyMemory<byte> next)
    {
        lock (_writeLock)
        {
            if (!_closed && _queuedWrites.TryDequeue(out next)) return true;
            _writing = false;
            next = default;
            return false;
        }
    }

    private void WriteFailed(Exception e)
    {
        lock (_writeLock)
        {
            _writing = false;
            _queuedWrites.Clear();
        }
        if (!_stop.IsCancellationRequested) Lost($"writing failed: {e.GetType().Name}: {e.Message}");
    }

    /// <summary>
    /// Stops both loops and closes the stream. A close that takes longer than
    /// <paramref name="limit"/> is abandoned (a serial close can hang when the device is gone);
    /// returns whether it finished in time.
    /// </summary>
    public async Task<bool> CloseAsync(TimeSpan limit)
    {
        Interlocked.Exchange(ref _lost, 1); // a close is not a loss: tell nobody
        lock (_writeLock)
        {
            _closed = true;
            _queuedWrites.Clear();
        }
        await _stop.CancelAsync();
        var close = Task.Run(() => _stream.Dispose());
        try
        {
            await close.WaitAsync(limit);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (Exception)
        {
            return true; // it failed while closing: closed as far as we can tell
        }
    }

    private async Task ReadLoop(LineFramer framer)
    {
        var buffer = new byte[4096];
        var frames = new List<FramedLine>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var n = await _stream.ReadAsync(buffer, _stop.Token);
                if (n == 0)
                {
                    Lost("the modem closed the connection (end of stream)");
                    return;
                }
                framer.Feed(buffer.AsSpan(0, n), frames);
                foreach (var frame in frames) _owner.Tell(new LineReceived(frame));
                frames.Clear();
            }
        }
        catch (Exception e) when (_stop.IsCancellationRequested)
        {
            _ = e; // closing: the read was cut short on purpose
        }
        catch (Exception e)
        {
            Lost($"reading failed: {e.GetType().Name}: {e.Message}");
        }
    }

    private void Lost(string reason)
    {
        if (Interlocked.Exchange(ref _lost, 1) == 0) _owner.Tell(new LinkLost(reason));
    }
}
