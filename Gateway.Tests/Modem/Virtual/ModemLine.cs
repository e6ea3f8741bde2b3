using System.Text;
using System.Text.RegularExpressions;

namespace Gateway.Tests.Modem.Virtual;

/// <summary>
/// The test's end of a modem's serial line (the in-memory stream or a TCP socket): writes raw
/// text and reads what the modem writes, keeping every byte in order so a test can check exact
/// transcripts. Reads never wait longer than the hang guard (a hang fails the test, it is not a
/// timing assertion).
/// </summary>
public sealed partial class ModemLine : IAsyncDisposable
{
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(15);

    private readonly Stream _stream;
    private readonly StringBuilder _received = new();
    private readonly object _lock = new();
    private readonly Task _reading;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _consumed;
    private bool _closed;

    public ModemLine(Stream stream)
    {
        _stream = stream;
        _reading = ReadLoopAsync();
    }

    /// <summary>Everything the modem has written so far.</summary>
    public string Transcript { get { lock (_lock) return _received.ToString(); } }

    /// <summary>True once the modem (or the transport) closed the line.</summary>
    public bool Closed { get { lock (_lock) return _closed; } }

    public Task SendAsync(string text) => _stream.WriteAsync(Encoding.Latin1.GetBytes(text)).AsTask();

    public Task SendAsync(byte[] bytes) => _stream.WriteAsync(bytes).AsTask();

    /// <summary>Sends a command line (adds CR) and returns everything up to and including its final result code.</summary>
    public async Task<string> CommandAsync(string line)
    {
        await SendAsync(line + "\r");
        return await ReadFinalAsync();
    }

    /// <summary>Reads up to and including the next final result (OK, ERROR, +CME/+CMS ERROR) or the "&gt; " prompt.</summary>
    public Task<string> ReadFinalAsync() => ReadUntilAsync(FinalResult());

    /// <summary>Reads up to and including the first match of <paramref name="pattern"/> after what was read before.</summary>
    public async Task<string> ReadUntilAsync(Regex pattern)
    {
        using var cts = new CancellationTokenSource(HangGuard);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                var pending = _received.ToString(_consumed, _received.Length - _consumed);
                var match = pattern.Match(pending);
                if (match.Success)
                {
                    var taken = pending[..(match.Index + match.Length)];
                    _consumed += taken.Length;
                    return taken;
                }
                if (_closed) throw new IOException($"the line closed before /{pattern}/; unread: {Show(pending)}");
                changed = _changed.Task;
            }
            try { await changed.WaitAsync(cts.Token); }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no /{pattern}/ within {HangGuard.TotalSeconds}s; transcript: {Show(Transcript)}");
            }
        }
    }

    public Task<string> ReadUntilAsync(string text) => ReadUntilAsync(new Regex(Regex.Escape(text)));

    /// <summary>Waits until the modem closes the line and returns what came before that was not read yet.</summary>
    public async Task<string> ReadToEndAsync()
    {
        await _reading.WaitAsync(HangGuard);
        lock (_lock)
        {
            var rest = _received.ToString(_consumed, _received.Length - _consumed);
            _consumed = _received.Length;
            return rest;
        }
    }

    /// <summary>What arrived and was not read yet.</summary>
    public string Unread { get { lock (_lock) return _received.ToString(_consumed, _received.Length - _consumed); } }

    public static string Show(string text) => text.Replace("\r", "\\r").Replace("\n", "\\n");

    [GeneratedRegex(@"\r\n(OK|ERROR|\+CME ERROR: [^\r]*|\+CMS ERROR: [^\r]*)\r\n|\r\n> ")]
    private static partial Regex FinalResult();

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await _stream.ReadAsync(buffer);
                if (n == 0) break;
                lock (_lock)
                {
                    _received.Append(Encoding.Latin1.GetString(buffer, 0, n));
                    Signal();
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
        }
        lock (_lock)
        {
            _closed = true;
            Signal();
        }
    }

    private void Signal()
    {
        var changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.SetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        try { await _reading.WaitAsync(HangGuard); }
        catch (TimeoutException) { }
    }
}
