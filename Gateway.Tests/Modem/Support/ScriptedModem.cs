using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace Gateway.Tests.Modem.Support;

/// <summary>
/// A scripted modem on a real TCP socket (127.0.0.1, a free port): it reads what the driver
/// writes exactly as a modem would (a command ends at CR, a PDU after the prompt at Ctrl-Z or
/// ESC), records every command and PDU in order (<see cref="NextAsync"/>), and answers from
/// rules: built-in answers of a ready modem, overridden by <see cref="On"/> (standing) and
/// <see cref="Once"/> (next match only). Answers are raw wire text, so tests control every byte.
/// It can push unsolicited lines, go silent, echo commands, and drop the connection; a new
/// connection (the driver reopening) replaces the old one.
/// </summary>
public sealed class ScriptedModem : IAsyncDisposable
{
    private sealed record Rule(Func<string, bool> Matches, Func<string, string?> Answer, bool Once);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Channel<string> _received = Channel.CreateUnbounded<string>();
    private readonly List<Rule> _rules = new();
    private readonly object _lock = new();
    private readonly CancellationTokenSource _stop = new();
    private NetworkStream? _client;
    private int _connections;
    private int _nextReference;

    private ScriptedModem()
    {
        _listener.Start();
        _ = AcceptLoop();
    }

    public static ScriptedModem Start() => new();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many times the driver has connected.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Accepts bytes and answers nothing, like a hung modem.</summary>
    public bool Silent { get; set; }

    /// <summary>Echoes every command line back before answering (ATE1, a modem's default).</summary>
    public bool Echo { get; set; }

    /// <summary>The last TP-MR handed out by the built-in AT+CMGS answer.</summary>
    public int LastReference => Volatile.Read(ref _nextReference) - 1;

    // ───────────── answers ─────────────

    /// <summary><c>\r\nline\r\n…\r\nOK\r\n</c>: information lines then OK, as a modem frames them.</summary>
    public static string Ok(params string[] lines) => string.Concat(lines.Select(l => $"\r\n{l}\r\n")) + "\r\nOK\r\n";

    /// <summary>A final result other than OK, e.g. <c>+CMS ERROR: 331</c>.</summary>
    public static string Final(string result) => $"\r\n{result}\r\n";

    /// <summary>Answers every <paramref name="command"/> (exact, or a prefix ending in <c>*</c>) with <paramref name="answer"/> from now on.</summary>
    public void On(string command, string answer) => Add(Matcher(command), _ => answer, once: false);

    public void On(Func<string, bool> matches, Func<string, string?> answer) => Add(matches, answer, once: false);

    /// <summary>Answers the next matching command once, then falls back to earlier rules.</summary>
    public void Once(string command, string answer) => Add(Matcher(command), _ => answer, once: true);

    /// <summary>The next matching command gets no answer at all (null): a lost reply.</summary>
    public void SwallowOnce(string command) => Add(Matcher(command), _ => null, once: true);

    private void Add(Func<string, bool> matches, Func<string, string?> answer, bool once)
    {
        lock (_lock) _rules.Add(new Rule(matches, answer, once));
    }

    private static Func<string, bool> Matcher(string command) => command.EndsWith('*')
        ? c => c.StartsWith(command[..^1], StringComparison.Ordinal)
        : c => c == command;

    /// <summary>What a ready modem answers when no rule says otherwise.</summary>
    private string? BuiltIn(string command) => command switch
    {
        "AT+CPIN?" => Ok("+CPIN: READY"),
        "AT+CSMS?" => Ok("+CSMS: 0,1,1,1"),
        "AT+CPMS=\"SM\",\"SM\",\"SM\"" => Ok("+CPMS: 0,30,0,30,0,30"),
        "AT+CSQ" => Ok("+CSQ: 20,99"),
        "AT+CREG?" => Ok("+CREG: 1,1"),
        "AT+COPS?" => Ok("+COPS: 0,0,\"Scripted GSM\""),
        "AT+CMGL=4" => Ok(),
        _ when command.StartsWith("AT+CMGS=", StringComparison.Ordinal) => "\r\n> ",
        _ when command.StartsWith("PDU:", StringComparison.Ordinal) => Ok($"+CMGS: {Interlocked.Increment(ref _nextReference) - 1 & 0xFF}"),
        _ when command.StartsWith("AT+CMGR=", StringComparison.Ordinal) => Ok(),
        _ when command.StartsWith("AT", StringComparison.OrdinalIgnoreCase) => Ok(),
        _ => Final("ERROR"),
    };

    private string? Answer(string command)
    {
        lock (_lock)
        {
            for (var i = _rules.Count - 1; i >= 0; i--)
            {
                var rule = _rules[i];
                if (!rule.Matches(command)) continue;
                if (rule.Once) _rules.RemoveAt(i);
                return rule.Answer(command);
            }
        }
        return BuiltIn(command);
    }

    // ───────────── what the driver wrote ─────────────

    /// <summary>
    /// The next thing the driver wrote: a command line (without CR), <c>PDU:hex</c> for a PDU ended
    /// with Ctrl-Z, or <c>ESC</c> for a cancelled prompt. Throws if nothing comes within the time.
    /// </summary>
    public async Task<string> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            return await _received.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("the driver wrote nothing more");
        }
    }

    /// <summary>Skips what the driver writes until <paramref name="wanted"/> matches; returns it and everything skipped.</summary>
    public async Task<(string Match, List<string> Skipped)> NextMatchingAsync(Func<string, bool> wanted, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        var skipped = new List<string>();
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"no matching command; saw: {string.Join(" | ", skipped)}");
            var next = await NextAsync(left);
            if (wanted(next)) return (next, skipped);
            skipped.Add(next);
        }
    }

    public Task<(string Match, List<string> Skipped)> NextMatchingAsync(string command, TimeSpan? timeout = null) =>
        NextMatchingAsync(c => c == command, timeout);

    /// <summary>Everything written so far and not yet taken.</summary>
    public List<string> Drain()
    {
        var all = new List<string>();
        while (_received.Reader.TryRead(out var c)) all.Add(c);
        return all;
    }

    // ───────────── acting on the line ─────────────

    /// <summary>Writes raw bytes to the driver now (unsolicited codes, garbage).</summary>
    public async Task PushAsync(string raw) => await PushAsync(Encoding.Latin1.GetBytes(raw));

    public async Task PushAsync(byte[] raw)
    {
        var client = _client ?? throw new InvalidOperationException("the driver is not connected");
        await client.WriteAsync(raw);
    }

    /// <summary>Closes the current connection in an orderly way (the driver reads end of stream), as a modem pool does when its modem goes away.</summary>
    public void Drop()
    {
        var client = Interlocked.Exchange(ref _client, null);
        if (client is null) return;
        try { client.Socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { }
        client.Dispose();
    }

    private async Task AcceptLoop()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                socket.NoDelay = true;
                var stream = new NetworkStream(socket, ownsSocket: true);
                Interlocked.Exchange(ref _client, stream)?.Dispose();
                Interlocked.Increment(ref _connections);
                _ = Serve(stream);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task Serve(NetworkStream stream)
    {
        var buffer = new byte[4096];
        var text = new StringBuilder();
        try
        {
            while (true)
            {
                var n = await stream.ReadAsync(buffer, _stop.Token);
                if (n == 0) return;
                for (var i = 0; i < n; i++)
                {
                    var b = buffer[i];
                    switch (b)
                    {
                        case (byte)'\r':
                            await Handle(stream, text.ToString().Trim('\n'));
                            text.Clear();
                            break;
                        case 0x1A:
                            await Handle(stream, "PDU:" + text.ToString().Trim('\n'));
                            text.Clear();
                            break;
                        case 0x1B:
                            text.Clear();
                            _received.Writer.TryWrite("ESC");
                            break;
                        default:
                            text.Append((char)b);
                            break;
                    }
                }
            }
        }
        catch (Exception)
        {
            // the connection went away (dropped by the test or closed by the driver)
        }
    }

    private async Task Handle(NetworkStream stream, string command)
    {
        if (command.Length == 0) return;
        _received.Writer.TryWrite(command);
        if (Silent) return;
        var answer = Answer(command);
        if (Echo && !command.StartsWith("PDU:", StringComparison.Ordinal)) answer = command + "\r" + answer;
        if (answer is not null) await stream.WriteAsync(Encoding.Latin1.GetBytes(answer));
    }

    public ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        Drop();
        return ValueTask.CompletedTask;
    }
}
