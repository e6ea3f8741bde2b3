using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Modem.Virtual;

/// <summary>
/// Puts virtual modems on TCP ports, ser2net style: each modem on its own port on 127.0.0.1,
/// raw bytes both ways, one client at a time. A client that connects while another is attached
/// is closed at once (ser2net's "port in use"); while the modem is <see cref="FaultPlan.Gone"/>
/// connections are accepted and closed at once. The bytes are exactly those of
/// <see cref="VirtualModem.Connect"/>: the server only bridges the socket to that stream.
/// </summary>
public sealed class VirtualModemServer : IAsyncDisposable
{
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, ModemPort> _ports = new(StringComparer.Ordinal);

    public VirtualModemServer(ILogger? log = null) => _log = log ?? NullLogger.Instance;

    /// <summary>The address each exposed modem listens on, by SIM number.</summary>
    public ImmutableDictionary<string, IPEndPoint> Endpoints =>
        _ports.ToImmutableDictionary(p => p.Key, p => p.Value.Endpoint, StringComparer.Ordinal);

    /// <summary>Starts listening for <paramref name="modem"/> on 127.0.0.1:<paramref name="port"/> (0 = a free port) and returns the address.</summary>
    /// <exception cref="SocketException">The port is taken.</exception>
    /// <exception cref="InvalidOperationException">The modem is already exposed.</exception>
    public IPEndPoint Expose(VirtualModem modem, int port = 0)
    {
        ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        var modemPort = new ModemPort(modem, listener, _log, _stop.Token);
        if (!_ports.TryAdd(modem.SimNumber, modemPort))
        {
            listener.Stop();
            throw new InvalidOperationException($"{modem.SimNumber} is already exposed on {_ports[modem.SimNumber].Endpoint}");
        }
        modemPort.Start();
        _log.LogInformation("virtual modem {Sim} listening on {Endpoint}", modem.SimNumber, modemPort.Endpoint);
        return modemPort.Endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        foreach (var port in _ports.Values) await port.StopAsync();
        _stop.Dispose();
    }

    /// <summary>One modem's listener and its single attached client.</summary>
    private sealed class ModemPort(VirtualModem modem, TcpListener listener, ILogger log, CancellationToken stop)
    {
        private readonly HashSet<Task> _bridges = [];
        private Task _accepting = Task.CompletedTask;
        private int _attached; // 1 while a client is attached; cleared before its socket closes

        public IPEndPoint Endpoint { get; } = (IPEndPoint)listener.LocalEndpoint;

        public void Start() => _accepting = AcceptAsync();

        public async Task StopAsync()
        {
            listener.Stop();
            try { await _accepting; }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { }
            Task[] bridges;
            lock (_bridges) bridges = [.. _bridges];
            await Task.WhenAll(bridges);
        }

        private async Task AcceptAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await listener.AcceptTcpClientAsync(stop); }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }

                if (Interlocked.CompareExchange(ref _attached, 1, 0) != 0)
                {
                    log.LogInformation("virtual modem {Sim}: refused a second client from {Remote} (port in use)", modem.SimNumber, client.Client.RemoteEndPoint);
                    client.Dispose();
                    continue;
                }
                Stream line;
                try { line = modem.Connect(); }
                catch (IOException e)
                {
                    Volatile.Write(ref _attached, 0);
                    log.LogInformation("virtual modem {Sim}: closed a client at once: {Reason}", modem.SimNumber, e.Message);
                    client.Dispose();
                    continue;
                }
                var bridge = BridgeAsync(client, line);
                lock (_bridges) _bridges.Add(bridge);
                _ = bridge.ContinueWith(t =>
                {
                    lock (_bridges) _bridges.Remove(t);
                }, TaskScheduler.Default);
            }
        }

        private async Task BridgeAsync(TcpClient client, Stream line)
        {
            await Task.Yield();
            var remote = client.Client.RemoteEndPoint;
            log.LogInformation("virtual modem {Sim}: client {Remote} attached", modem.SimNumber, remote);
            client.NoDelay = true;
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var socket = client.GetStream();
            var fromClient = PumpAsync(socket, line, cts.Token);
            var toClient = PumpAsync(line, socket, cts.Token);
            await Task.WhenAny(fromClient, toClient);
            // Free the port before the client can see its socket close, so it may reconnect at once.
            Volatile.Write(ref _attached, 0);
            cts.Cancel();
            await line.DisposeAsync();
            client.Dispose();
            await Task.WhenAll(fromClient, toClient);
            log.LogInformation("virtual modem {Sim}: client {Remote} detached", modem.SimNumber, remote);
        }

        /// <summary>Copies until end of stream or an error on either side (either ends the connection).</summary>
        private static async Task PumpAsync(Stream from, Stream to, CancellationToken ct)
        {
            var buffer = new byte[4096];
            try
            {
                while (true)
                {
                    var n = await from.ReadAsync(buffer, ct);
                    if (n == 0) return;
                    await to.WriteAsync(buffer.AsMemory(0, n), ct);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
            {
            }
        }
    }
}
