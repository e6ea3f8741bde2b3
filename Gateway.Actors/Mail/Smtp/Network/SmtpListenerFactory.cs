using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Akka.Event;
using SmtpServer;
using SmtpServer.Net;
using SmtpServer.Protocol;

namespace Gateway.Mail.Smtp.Network;

/// <summary>The per-connection limits every SMTP listener of a node applies.</summary>
/// <param name="MaxConnections">Open connections, all listeners together.</param>
/// <param name="HandshakeTimeout">Longest TLS handshake (implicit TLS and STARTTLS).</param>
public sealed record ConnectionLimits(int MaxConnections, int MaxLineLength, long MaxMessageSize, TimeSpan HandshakeTimeout);

/// <summary>A listener that is bound: where it was asked to listen and where it really does (port 0 → a real port).</summary>
public sealed record BoundListener(IEndpointDefinition Definition, IPEndPoint LocalEndPoint);

/// <summary>
/// SmtpServer's listener hook: binds one socket per configured listener and hands each accepted
/// connection to the library as a <see cref="GuardedDuplexPipe"/>. Sets TCP_NODELAY on every
/// connection (replies are small; Nagle plus delayed ACK would add ~40 ms per command), caps the
/// open connections of the node at <see cref="ConnectionLimits.MaxConnections"/> (one more gets
/// 421 and is closed at once), and records what it bound so the host can log the real ports.
/// </summary>
public sealed class SmtpListenerFactory(ConnectionLimits limits, ILoggingAdapter log) : IEndpointListenerFactory
{
    private readonly ConnectionLimits _limits = limits;
    private readonly ILoggingAdapter _log = log;
    private readonly ConcurrentQueue<BoundListener> _bound = new();
    private readonly ConcurrentQueue<(IEndpointDefinition, Exception)> _failures = new();
    private int _open;

    public IReadOnlyCollection<BoundListener> Bound => _bound;

    /// <summary>Listeners that could not bind (address in use, say); the server refuses to start with any.</summary>
    public IReadOnlyCollection<(IEndpointDefinition Definition, Exception Error)> Failures => _failures;

    public int OpenConnections => Volatile.Read(ref _open);

    public IEndpointListener CreateListener(IEndpointDefinition definition)
    {
        var socket = new Socket(definition.Endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(definition.Endpoint);
            socket.Listen(512);
        }
        catch (Exception e)
        {
            socket.Dispose();
            _failures.Enqueue((definition, e));
            throw;
        }
        _bound.Enqueue(new BoundListener(definition, (IPEndPoint)socket.LocalEndPoint!));
        return new Listener(this, definition, socket);
    }

    private bool TryTakeSlot()
    {
        while (true)
        {
            var open = Volatile.Read(ref _open);
            if (open >= _limits.MaxConnections) return false;
            if (Interlocked.CompareExchange(ref _open, open + 1, open) == open) return true;
        }
    }

    private void ReleaseSlot() => Interlocked.Decrement(ref _open);

    private sealed class Listener(SmtpListenerFactory factory, IEndpointDefinition definition, Socket socket) : IEndpointListener
    {
        private static readonly byte[] TooMany = Encoding.ASCII.GetBytes("421 4.7.0 too many connections; try again later\r\n");

        public async Task<SmtpServer.IO.ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
        {
            while (true)
            {
                Socket client;
                try
                {
                    client = await socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (SocketException e)
                {
                    // e.g. out of file descriptors: say so and pause instead of spinning
                    factory._log.Warning("SMTP listener {0}: accept failed: {1}", socket.LocalEndPoint, e.Message);
                    await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
                    continue;
                }
                client.NoDelay = true;
                if (!factory.TryTakeSlot())
                {
                    factory._log.Warning("SMTP listener {0}: refused {1}: {2} connections open (mail.smtp.max-connections)",
                        socket.LocalEndPoint, client.RemoteEndPoint, factory._limits.MaxConnections);
                    _ = RefuseAsync(client, sayWhy: !definition.IsSecure);
                    continue;
                }

                var remote = client.RemoteEndPoint;
                context.Properties[EndpointListener.LocalEndPointKey] = socket.LocalEndPoint!;
                context.Properties[EndpointListener.RemoteEndPointKey] = remote!;
                var pipe = new GuardedDuplexPipe(client, factory._limits,
                    reply => factory._log.Info("SMTP {0}: {1}", remote, reply),
                    factory._limits.HandshakeTimeout, factory.ReleaseSlot);
                context.CommandExecuting += (_, e) =>
                {
                    if (e.Command is DataCommand) pipe.Guard.BeginData();
                };
                context.CommandExecuted += (_, e) =>
                {
                    if (e.Command is DataCommand) pipe.Guard.EndData();
                };
                return pipe;
            }
        }

        private static async Task RefuseAsync(Socket client, bool sayWhy)
        {
            try
            {
                if (sayWhy)
                {
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    await client.SendAsync(TooMany, SocketFlags.None, cts.Token).ConfigureAwait(false);
                }
                client.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
            finally
            {
                client.Dispose();
            }
        }

        public void Dispose() => socket.Dispose();
    }
}
