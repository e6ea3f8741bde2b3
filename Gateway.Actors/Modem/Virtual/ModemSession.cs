using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Gateway.Modem.Virtual;

/// <summary>An unsolicited result waiting to be written; <see cref="AckId"/> marks a direct <c>+CMT</c>/<c>+CDS</c> that needs AT+CNMA.</summary>
internal sealed record Unsolicited(string Text, long? AckId);

/// <summary>
/// The modem's side of one open serial line: one loop that reads bytes, echoes them, frames
/// command lines and PDUs, runs commands one at a time and writes results. Unsolicited lines
/// from the network are written only while nothing is in progress (no partial line, no command
/// running, no PDU entry), so they never split a response: clients such as gammu hang otherwise.
/// Other threads reach the loop only through <see cref="PostUnsolicited"/>, <see cref="PostNoise"/>
/// and <see cref="HangUp"/>, which wake it by cancelling its pending read.
/// </summary>
internal sealed class ModemSession
{
    /// <summary>
    /// Unsolicited lines queued while the client does not read; beyond this the newest are dropped
    /// (a real module's buffer overflows too). A dropped <c>+CMT</c> is never acknowledged, so it
    /// times out into SIM storage: SMS are not lost, only their indications.
    /// </summary>
    public const int MaxQueuedUnsolicited = 256;

    private static readonly Encoding Latin1 = Encoding.Latin1;

    private readonly VirtualModem _modem;
    private readonly SerialLine _line;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<Unsolicited> _unsolicited = new();
    private readonly ConcurrentQueue<byte[]> _noise = new();
    private readonly CancellationTokenSource _hangUp = new();
    private readonly LineFramer _framer = new();
    private string? _lastLine;
    private int _pduLength;
    private Task _loop = Task.CompletedTask;

    public ModemSession(VirtualModem modem, SerialLine line, ILogger log, TimeProvider time)
    {
        _modem = modem;
        _line = line;
        _log = log;
        _time = time;
    }

    public Stream ClientEnd => _line.ClientEnd;

    /// <summary>Ends when the line is closed by either side.</summary>
    public Task Completion => _loop;

    private string Sim => _modem.SimNumber;

    private PipeReader Input => _line.ModemInput;

    private PipeWriter Output => _line.ModemOutput;

    public void Start() => _loop = Task.Run(RunAsync);

    public void PostUnsolicited(Unsolicited unsolicited)
    {
        if (_modem.Faults.Silent) return; // a hung module produces nothing (a direct SMS then times out into storage)
        if (_unsolicited.Count >= MaxQueuedUnsolicited)
        {
            _log.LogWarning("virtual modem {Sim}: unsolicited line dropped, {Max} already wait for the client to read: {Line}", Sim, MaxQueuedUnsolicited, unsolicited.Text.Split('\r')[0]);
            return;
        }
        _unsolicited.Enqueue(unsolicited);
        Wake();
    }

    public void PostNoise(byte[] bytes)
    {
        _noise.Enqueue(bytes);
        Wake();
    }

    public void HangUp()
    {
        try
        {
            _hangUp.Cancel();
            Output.CancelPendingFlush(); // a client that stopped reading must not keep the line up
        }
        catch (ObjectDisposedException) { }
        catch (InvalidOperationException) { }
        Wake();
    }

    /// <summary>Makes the loop's pending read return so it looks at its queues (harmless once the line is closed).</summary>
    private void Wake()
    {
        try { Input.CancelPendingRead(); }
        catch (InvalidOperationException) { }
    }

    private async Task RunAsync()
    {
        var ct = _hangUp.Token;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await WriteNoiseAsync();
                if (_framer.IsIdle) await WriteUnsolicitedAsync();
                var result = await Input.ReadAsync();
                var bytes = result.Buffer.ToArray();
                Input.AdvanceTo(result.Buffer.End);
                if (ct.IsCancellationRequested) break;
                if (bytes.Length > 0)
                {
                    await ProcessAsync(bytes, ct);
                    _modem.CountLineBytes(received: bytes.Length, sent: 0);
                }
                if (result.IsCompleted) break; // the client closed the port
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _log.LogError(e, "virtual modem {Sim}: the line failed; closing it", Sim);
        }
        finally
        {
            await Input.CompleteAsync();
            await Output.CompleteAsync();
            _hangUp.Dispose();
            _modem.SessionEnded(this);
        }
    }

    private async Task ProcessAsync(byte[] bytes, CancellationToken ct)
    {
        var echo = EchoOn();
        var echoed = new List<byte>();
        foreach (var b in bytes)
        {
            if (ct.IsCancellationRequested) return;
            if (_modem.Faults.Silent)
            {
                _framer.Reset(); // a hung module: bytes go nowhere
                echoed.Clear();
                continue;
            }
            var framed = _framer.Feed(b, out var echoThis);
            if (echo && echoThis) echoed.Add(b);
            if (framed is null) continue;

            await WriteAsync(echoed.ToArray());
            echoed.Clear();
            await HandleAsync(framed, ct);
            echo = EchoOn();
            if (_framer.IsIdle) await WriteUnsolicitedAsync();
        }
        await WriteAsync(echoed.ToArray());
    }

    private bool EchoOn()
    {
        lock (_modem.Lock) return _modem.Profile.Echo;
    }

    private async Task HandleAsync(FramedInput input, CancellationToken ct)
    {
        switch (input)
        {
            case FramedInput.Line { Text: var text }:
                var at = FindAt(text);
                if (at < 0)
                {
                    if (text.Length > 0) _log.LogDebug("virtual modem {Sim}: ignored a line that is not a command: {Line}", Sim, Printable(text));
                    return;
                }
                await RunLineAsync(text[at..], ct);
                break;
            case FramedInput.Repeat:
                if (_lastLine is not null) await RunLineAsync(_lastLine, ct);
                else await RespondAsync(new AtResponse([], AtFinal.PlainError, Format()), ct);
                break;
            case FramedInput.Overflow:
                _log.LogInformation("virtual modem {Sim}: command line longer than {Max} characters refused", Sim, AtCommandLine.MaxLength);
                await RespondAsync(new AtResponse([], AtFinal.PlainError, Format()), ct);
                break;
            case FramedInput.Pdu { Hex: var hex }:
                _log.LogDebug("virtual modem {Sim} <- PDU {Pdu}", Sim, hex ?? "(too long)");
                await RespondAsync(await _modem.SubmitAsync(hex, _pduLength, ct), ct);
                break;
            case FramedInput.PduCancelled:
                _log.LogDebug("virtual modem {Sim} <- ESC (send cancelled)", Sim);
                await RespondAsync(new AtResponse([], AtFinal.Success, Format()), ct);
                break;
        }
    }

    private async Task RunLineAsync(string line, CancellationToken ct)
    {
        _lastLine = line;
        _log.LogDebug("virtual modem {Sim} <- {Line}", Sim, line);
        var response = _modem.ExecuteLine(line);
        if (response.Final is AtFinal.Prompt prompt)
        {
            _pduLength = prompt.TpduLength;
            _framer.BeginPduEntry();
        }
        await RespondAsync(response, ct);
    }

    private async Task RespondAsync(AtResponse response, CancellationToken ct)
    {
        var delay = _modem.Faults.ResponseDelay;
        if (delay > TimeSpan.Zero) await Task.Delay(delay, _time, ct);
        var text = response.Render();
        _log.LogDebug("virtual modem {Sim} -> {Response}", Sim, Printable(text));
        await WriteAsync(Latin1.GetBytes(text));
    }

    private async Task WriteUnsolicitedAsync()
    {
        while (_unsolicited.TryDequeue(out var u))
        {
            // A direct indication that timed out meanwhile went to SIM storage; showing it now would duplicate it.
            if (u.AckId is { } id && !_modem.TryMarkShown(id)) continue;
            var text = AtResponse.RenderUnsolicited(u.Text, Format());
            _log.LogDebug("virtual modem {Sim} -> (unsolicited) {Line}", Sim, Printable(text));
            await WriteAsync(Latin1.GetBytes(text));
        }
    }

    private async Task WriteNoiseAsync()
    {
        while (_noise.TryDequeue(out var bytes))
        {
            _log.LogDebug("virtual modem {Sim} -> {Count} garbage bytes (fault)", Sim, bytes.Length);
            await WriteAsync(bytes, evenWhenSilent: true);
        }
    }

    private async Task WriteAsync(byte[] bytes, bool evenWhenSilent = false)
    {
        if (bytes.Length == 0 || (_modem.Faults.Silent && !evenWhenSilent)) return;
        _modem.CountLineBytes(received: 0, sent: bytes.Length);
        var flush = await Output.WriteAsync(bytes);
        if (flush.IsCompleted || flush.IsCanceled) HangUp(); // the client closed its end, or the line is being dropped
    }

    private ResultFormat Format()
    {
        lock (_modem.Lock) return _modem.FormatLocked();
    }

    /// <summary>Modems hunt for "AT" (any case): bytes before it on the line are noise.</summary>
    private static int FindAt(string text)
    {
        for (var i = 0; i + 1 < text.Length; i++)
            if (text[i] is 'A' or 'a' && text[i + 1] is 'T' or 't') return i;
        return -1;
    }

    private static string Printable(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c == '\r') sb.Append("\\r");
            else if (c == '\n') sb.Append("\\n");
            else if (c < 0x20 || c > 0x7E) sb.Append($"\\x{(int)c:X2}");
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
