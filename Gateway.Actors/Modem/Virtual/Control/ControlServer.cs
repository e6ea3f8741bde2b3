using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Modem.Virtual.Control;

/// <summary>Limits of the control line. Defaults: 4096-byte lines, 16 connections, 10 minutes idle.</summary>
public sealed record ControlServerOptions(int MaxLineBytes = 4096, int MaxConnections = 16, TimeSpan? IdleTimeout = null)
{
    public static readonly ControlServerOptions Default = new();

    public TimeSpan Idle => IdleTimeout ?? TimeSpan.FromMinutes(10);
}

/// <summary>
/// The virtual network's control line: a TCP server on 127.0.0.1, one command per line (LF,
/// optional CR), answered <c>OK …</c> or <c>ERR …</c> (see <see cref="ControlCommands"/>). It greets
/// with <c>OK virtual-network control</c>. Bad input never ends the server: an over-long line, a
/// line that is not UTF-8 or an unknown command gets an ERR; too many connections or an idle one
/// get an ERR and are closed. The modemsim verb runs it, and the gateway can run it over its own
/// in-process network (<c>virtual-network.control-port</c>).
/// </summary>
public sealed class ControlServer : IAsyncDisposable
{
    public const string Greeting = "virtual-network control; HELP lists the commands";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly VirtualNetwork _network;
    private readonly ControlServerOptions _options;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly HashSet<Task> _connections = [];
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;

    public ControlServer(VirtualNetwork network, ControlServerOptions? options = null, ILogger? log = null)
    {
        _network = network;
        _options = options ?? ControlServerOptions.Default;
        _log = log ?? NullLogger.Instance;
    }

    public IPEndPoint? Endpoint { get; private set; }

    /// <summary>Connections being served now.</summary>
    public int OpenConnections
    {
        get { lock (_connections) return _connections.Count; }
    }

    /// <summary>Listens on 127.0.0.1:<paramref name="port"/> (0 = a free port); returns the address.</summary>
    public IPEndPoint Start(int port = 0)
    {
        if (_listener is not null) throw new InvalidOperationException("already started");
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        Endpoint = (IPEndPoint)_listener.LocalEndpoint;
        _accepting = AcceptAsync(_listener);
        _log.LogInformation("virtual network control line on {Endpoint}", Endpoint);
        return Endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _listener?.Stop();
        try { await _accepting; }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
        Task[] open;
        lock (_connections) open = [.. _connections];
        await Task.WhenAll(open);
        _stop.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }

            lock (_connections)
            {
                if (_connections.Count >= _options.MaxConnections)
                {
                    _ = RefuseAsync(client);
                    continue;
                }
                var connection = ServeAsync(client);
                _connections.Add(connection);
                _ = connection.ContinueWith(t =>
                {
                    lock (_connections) _connections.Remove(t);
                }, TaskScheduler.Default);
            }
        }
    }

    private async Task RefuseAsync(TcpClient client)
    {
        using (client)
        {
            _log.LogWarning("virtual network control: refused {Remote}: {Max} connections already open", client.Client.RemoteEndPoint, _options.MaxConnections);
            try { await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"ERR too many connections (at most {_options.MaxConnections})\n")); }
            catch (Exception e) when (e is IOException or SocketException) { }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        await Task.Yield();
        var remote = client.Client.RemoteEndPoint;
        using var _ = client;
        client.NoDelay = true;
        var stream = client.GetStream();
        var reader = PipeReader.Create(stream);
        try
        {
            await SendAsync(stream, ControlReply.Success(Greeting));
            var discarding = false;
            while (!_stop.IsCancellationRequested)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                idle.CancelAfter(_options.Idle);
                ReadResult result;
                try { result = await reader.ReadAsync(idle.Token); }
                catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
                {
                    await SendAsync(stream, ControlReply.Error($"idle for {Configuration.ConfigValues.FormatDuration(_options.Idle)}; closing"));
                    return;
                }
                var buffer = result.Buffer;
                while (TryTakeLine(ref buffer, out var line))
                {
                    if (discarding)
                    {
                        discarding = false; // the tail of an over-long line
                        continue;
                    }
                    if (line.Length > _options.MaxLineBytes)
                    {
                        await SendAsync(stream, ControlReply.Error($"line too long (at most {_options.MaxLineBytes} bytes)"));
                        continue;
                    }
                    var reply = await ExecuteAsync(line);
                    await SendAsync(stream, reply);
                    if (reply.Close) return;
                }
                if (!discarding && buffer.Length > _options.MaxLineBytes)
                {
                    // No line end within the limit: refuse now, drop bytes up to the next LF.
                    await SendAsync(stream, ControlReply.Error($"line too long (at most {_options.MaxLineBytes} bytes)"));
                    discarding = true;
                }
                if (discarding) buffer = buffer.Slice(buffer.End);
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted) return;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            _log.LogDebug("virtual network control: {Remote} went away: {Message}", remote, e.Message);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // the server is stopping
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    private async Task<ControlReply> ExecuteAsync(ReadOnlySequence<byte> line)
    {
        string text;
        try { text = StrictUtf8.GetString(line).TrimEnd('\r'); }
        catch (DecoderFallbackException) { return ControlReply.Error("the line is not UTF-8 text"); }
        if (text.Any(c => char.IsControl(c) && c != '\t')) return ControlReply.Error("the line holds control characters; escape them (\\n, \\t, \\uXXXX)");
        _log.LogDebug("virtual network control <- {Line}", text);
        var reply = await ControlCommands.ExecuteAsync(_network, text, _stop.Token);
        _log.LogDebug("virtual network control -> {Reply}", reply.Ok ? "OK " + reply.Message : "ERR " + reply.Message);
        return reply;
    }

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var end = buffer.PositionOf((byte)'\n');
        if (end is null)
        {
            line = default;
            return false;
        }
        line = buffer.Slice(0, end.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
        return true;
    }

    private static Task SendAsync(NetworkStream stream, ControlReply reply) =>
        stream.WriteAsync(Encoding.UTF8.GetBytes(reply.Render())).AsTask();
}
