using System.Text;
using System.Threading.Channels;
using Akka.Actor;
using Gateway.Modem.At;

namespace Gateway.Modem.Transport;

/// <summary>
/// The open byte stream to one modem, driven by two loops of its own so that the actor never
/// blocks: the read loop frames bytes into lines (<see cref="LineFramer"/>) and tells each to the
/// owner as <see cref="LineReceived"/>; the write loop drains a queue the owner fills with
/// <see cref="Write"/>. The first failure of either (end of stream, I/O error) is told once as
/// <see cref="LinkLost"/>. <see cref="CloseAsync"/> stops both and closes the stream within a time limit.
/// </summary>
public sealed class ModemLink
{
    /// <summary>A line, prompt or over-long line from the modem, in arrival order.</summary>
    public sealed record LineReceived(FramedLine Line);

    /// <summary>The stream ended or failed; the link is dead.</summary>
    public sealed record LinkLost(string Reason);

    private readonly Stream _stream;
    private readonly IActorRef _owner;
    private readonly Channel<ReadOnlyMemory<byte>> _writes = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
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
        _ = Task.Run(link.WriteLoop);
        return link;
    }

    /// <summary>Queues text for the modem as ASCII/Latin-1 bytes (AT commands end with CR, PDUs with Ctrl-Z).</summary>
    public void Write(string text) => _writes.Writer.TryWrite(Encoding.Latin1.GetBytes(text));

    /// <summary>
    /// Stops both loops and closes the stream. A close that takes longer than
    /// <paramref name="limit"/> is abandoned (a serial close can hang when the device is gone);
    /// returns whether it finished in time.
    /// </summary>
    public async Task<bool> CloseAsync(TimeSpan limit)
    {
        Interlocked.Exchange(ref _lost, 1); // a close is not a loss: tell nobody
        _writes.Writer.TryComplete();
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

    private async Task WriteLoop()
    {
        try
        {
            await foreach (var bytes in _writes.Reader.ReadAllAsync(_stop.Token))
            {
                await _stream.WriteAsync(bytes, _stop.Token);
                await _stream.FlushAsync(_stop.Token);
            }
        }
        catch (Exception e) when (_stop.IsCancellationRequested)
        {
            _ = e;
        }
        catch (Exception e)
        {
            Lost($"writing failed: {e.GetType().Name}: {e.Message}");
        }
    }

    private void Lost(string reason)
    {
        if (Interlocked.Exchange(ref _lost, 1) == 0) _owner.Tell(new LinkLost(reason));
    }
}
