using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using Gateway.Configuration;

namespace Gateway.Mail.Pop3;

/// <summary>A listening socket, bound before the server actor starts so that a port in use fails the start loudly.</summary>
public sealed record Pop3Listener(TcpListener Socket, ListenerSettings Settings)
{
    public IPEndPoint Endpoint => (IPEndPoint)Socket.LocalEndpoint;
}

/// <summary>
/// The POP3 server of a node: accepts connections on every <c>mail.pop3.listen</c> socket and
/// gives each one a <see cref="Pop3Session"/> child. Connections beyond
/// <c>mail.pop3.max-connections</c> (over all listeners) get <c>-ERR [SYS/TEMP]</c> and are
/// closed (implicit-TLS ones are just closed: they expect a handshake, not text). A session that
/// fails is stopped, never restarted (its connection is gone with it). Stopping the server stops
/// the listeners and every session; sessions release their locks and delete nothing.
/// </summary>
public sealed class Pop3Server : ReceiveActor
{
    /// <summary>A connection the accept loop took (a message to itself; the socket is handed to a session and nowhere else).</summary>
    private sealed record Accepted(Socket Socket, ListenerSettings Listener);

    private readonly IReadOnlyList<Pop3Listener> _listeners;
    private readonly CancellationTokenSource _stop = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private long _sessions;

    public static Props Props(IReadOnlyList<Pop3Listener> listeners, Pop3Services services) =>
        Akka.Actor.Props.Create(() => new Pop3Server(listeners, services));

    /// <summary>Binds every listener (port 0 = any free port). Throws <see cref="SocketException"/> naming the address when one cannot be bound.</summary>
    public static IReadOnlyList<Pop3Listener> Bind(IEnumerable<ListenerSettings> listeners)
    {
        var bound = new List<Pop3Listener>();
        try
        {
            foreach (var l in listeners)
            {
                var socket = new TcpListener(IPAddress.Parse(l.Host), l.Port);
                try
                {
                    socket.Start(backlog: 512);
                }
                catch (SocketException e)
                {
                    throw new SocketException((int)e.SocketErrorCode, $"cannot listen for POP3 on {l.Host}:{l.Port}: {e.Message}");
                }
                bound.Add(new Pop3Listener(socket, l));
            }
        }
        catch
        {
            foreach (var b in bound) b.Socket.Stop();
            throw;
        }
        return bound;
    }

    public Pop3Server(IReadOnlyList<Pop3Listener> listeners, Pop3Services services)
    {
        _listeners = listeners;
        var max = services.Mail.Pop3.MaxConnections;
        Receive<Accepted>(a =>
        {
            var open = Context.GetChildren().Count();
            if (open >= max)
            {
                _log.Warning("POP3: refusing a connection from {0}: {1} connections are open (mail.pop3.max-connections = {2})",
                    a.Socket.RemoteEndPoint, open, max);
                _ = RefuseAsync(a.Socket, a.Listener.Tls != TlsMode.Implicit);
                return;
            }
            Context.ActorOf(Pop3Session.Props(a.Socket, a.Listener, services, $"pop3-{++_sessions}"), $"pop3-{_sessions}");
        });
    }

    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    protected override void PreStart()
    {
        var self = Self;
        foreach (var listener in _listeners)
        {
            _log.Info("POP3 listening on {0} (tls = {1})", listener.Endpoint, ConfigValues.ToKebab(listener.Settings.Tls.ToString()));
            _ = Task.Run(() => AcceptLoopAsync(listener, self, _log, _stop.Token));
        }
    }

    protected override void PostStop()
    {
        _stop.Cancel();
        foreach (var listener in _listeners) listener.Socket.Stop();
    }

    private static async Task AcceptLoopAsync(Pop3Listener listener, IActorRef server, ILoggingAdapter log, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var socket = await listener.Socket.AcceptSocketAsync(stop);
                server.Tell(new Accepted(socket, listener.Settings));
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e)
            {
                // e.g. too many open files: keep listening, but do not spin
                log.Warning("POP3: accepting on {0} failed: {1}", listener.Endpoint, e.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static async Task RefuseAsync(Socket socket, bool sayWhy)
    {
        using (socket)
        {
            try
            {
                socket.NoDelay = true;
                if (sayWhy)
                {
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await socket.SendAsync("-ERR [SYS/TEMP] too many connections; try again later\r\n"u8.ToArray(), SocketFlags.None, timeout.Token);
                }
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // the client is gone
            }
        }
    }
}
