using System.Net;
using System.Security.Authentication;
using Akka.Actor;
using Akka.Event;
using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Mail.MessageToSms;
using Gateway.Mail.Smtp.Network;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Storage;
using ServiceProvider = SmtpServer.ComponentModel.ServiceProvider;

namespace Gateway.Mail.Smtp;

/// <summary>A configured SMTP listener and the address it is bound to (the real port when the configuration said 0).</summary>
public sealed record SmtpEndpoint(ListenerSettings Listener, IPEndPoint Bound)
{
    public override string ToString() => $"{Bound} (tls = {Listener.Tls.ToString().ToLowerInvariant()})";
}

/// <summary>
/// SMTP submission for one node: the <c>mail.smtp.listen</c> listeners (plain, STARTTLS, implicit
/// TLS), AUTH PLAIN/LOGIN required before MAIL (no open relay), SIZE advertised and enforced,
/// and every accepted mail handed to the sender's mailbox entity as one job per recipient.
/// SmtpServer 11 owns the sockets' protocol; <see cref="SmtpSessionHooks"/> connect it to one
/// <see cref="SmtpSessionActor"/> per connection, and <see cref="SmtpListenerFactory"/> adds
/// TCP_NODELAY, the connection cap and the line/size guards. <see cref="Start"/> binds every
/// listener before it returns and throws if any cannot bind.
/// </summary>
public sealed class SmtpSubmissionServer : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer _server;
    private readonly IActorRef _sessions;
    private readonly ILoggingAdapter _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    private SmtpSubmissionServer(SmtpServer.SmtpServer server, IActorRef sessions, ILoggingAdapter log, IReadOnlyList<SmtpEndpoint> endpoints, SmtpListenerFactory listeners)
    {
        _server = server;
        _sessions = sessions;
        _log = log;
        Endpoints = endpoints;
        Listeners = listeners;
        _running = server.StartAsync(_stop.Token);
    }

    public IReadOnlyList<SmtpEndpoint> Endpoints { get; private set; }

    /// <summary>The connection counter and the bound sockets.</summary>
    public SmtpListenerFactory Listeners { get; }

    /// <param name="mailbox">The mailbox shard region (or, in tests, whatever answers <see cref="Mailbox.SubmitOutgoing"/>).</param>
    public static SmtpSubmissionServer Start(
        ActorSystem system, GatewaySettings settings, AccountDirectory accounts, IActorRef mailbox,
        IOutgoingPermissions permissions, TimeProvider? time = null)
    {
        var mail = settings.Mail;
        var smtp = mail.Smtp;
        var log = Logging.GetLogger(system, "Gateway.Smtp");
        var certificate = MailSecurity.LoadCertificate(mail.Tls);

        var shared = new SmtpSessionActor.Shared(mail, mailbox, permissions, time ?? TimeProvider.System);
        var sessions = system.ActorOf(SmtpSessionsActor.Props(shared), "smtp-sessions");
        var hooks = new SmtpSessionHooks(sessions, accounts, mail, MailConversionOptions.From(settings.Sms), log);
        var listeners = new SmtpListenerFactory(
            new ConnectionLimits(smtp.MaxConnections, smtp.MaxLineLength, mail.MaxMessageSize, smtp.CommandTimeout), log);

        var builder = new SmtpServerOptionsBuilder()
            .ServerName(smtp.ServerName)
            .CustomSmtpGreeting(_ => $"220 {smtp.ServerName} ESMTP SMS gateway ready")
            // Ignore: the library's strict mode drops the connection without a reply; the store checks
            // the exact size and SmtpInputGuard bounds the memory.
            .MaxMessageSize((int)Math.Min(mail.MaxMessageSize, int.MaxValue), MaxMessageSizeHandling.Ignore)
            .MaxRetryCount(smtp.MaxErrors)
            .MaxAuthenticationAttempts(smtp.MaxAuthAttempts)
            .CommandWaitTimeout(smtp.CommandTimeout);
        foreach (var listener in mail.SmtpListen)
        {
            var endpoint = new IPEndPoint(Resolve(listener.Host), listener.Port);
            builder.Endpoint(b =>
            {
                b.Endpoint(endpoint)
                    .AuthenticationRequired()
                    // Per connection, not per listener: SmtpSessionHooks enforces allow-plaintext-auth.
                    .AllowUnsecureAuthentication()
                    .SessionTimeout(smtp.SessionTimeout)
                    .SupportedSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13);
                if (listener.Tls != TlsMode.None) b.Certificate(certificate!);
                if (listener.Tls == TlsMode.Implicit) b.IsSecure(true);
            });
        }
        var options = builder.Build();

        var services = new ServiceProvider();
        services.Add(listeners);
        services.Add((IUserAuthenticator)hooks);
        services.Add((IMailboxFilter)hooks);
        services.Add((IMessageStore)hooks);
        services.Add(new SubmissionCommandFactory(hooks.PasswordLoginAllowed));

        var names = options.Endpoints.Zip(mail.SmtpListen).ToDictionary(p => p.First, p => p.Second);
        var server = new SmtpServer.SmtpServer(options, services);
        server.SessionCreated += (_, e) => hooks.OnSessionCreated(e.Context, names[e.Context.EndpointDefinition].Tls);
        server.SessionCompleted += (_, e) => hooks.OnSessionEnded(e.Context, "completed");
        server.SessionCancelled += (_, e) => hooks.OnSessionEnded(e.Context, "cancelled");
        server.SessionFaulted += (_, e) => hooks.OnSessionFaulted(e.Context, e.Exception);

        // StartAsync binds every listener synchronously before its first await.
        var running = new SmtpSubmissionServer(server, sessions, log, [], listeners);
        if (listeners.Failures.Count > 0)
        {
            var (definition, error) = listeners.Failures.First();
            server.Shutdown(); // the other listeners close; no session can have started yet
            sessions.Tell(PoisonPill.Instance);
            throw new InvalidOperationException($"SMTP listener {definition.Endpoint} could not bind: {error.Message}", error);
        }
        running.Endpoints = listeners.Bound
            .Select(b => new SmtpEndpoint(names[b.Definition], b.LocalEndPoint))
            .ToArray();
        foreach (var e in running.Endpoints) log.Info("SMTP listening on {0}", e);
        return running;
    }

    private static IPAddress Resolve(string host) =>
        IPAddress.TryParse(host, out var ip) ? ip : Dns.GetHostAddresses(host).First();

    /// <summary>Stops listening, cancels open sessions (their clients get 421) and stops the session actors.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _server.Shutdown();
        _stop.Cancel();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or InvalidOperationException or System.Net.Sockets.SocketException)
        {
            _log.Debug("SMTP stopped: {0}", e.Message);
        }
        try
        {
            await _sessions.GracefulStop(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TaskCanceledException)
        {
            _log.Warning("SMTP session actors did not stop within 5 s");
        }
    }
}
