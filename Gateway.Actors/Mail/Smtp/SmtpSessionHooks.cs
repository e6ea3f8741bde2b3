using System.Buffers;
using System.Collections.Immutable;
using System.Net;
using Akka.Actor;
using Akka.Event;
using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Mail.MessageToSms;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.IO;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using SmtpResponse = SmtpServer.Protocol.SmtpResponse;

namespace Gateway.Mail.Smtp;

/// <summary>
/// The edge between SmtpServer and the actors, and the only place that asks (Ask) them anything.
/// How a session actor fits SmtpServer's hooks:
/// <list type="bullet">
/// <item><b>SessionCreated</b>: one Ask to <see cref="SmtpSessionsActor"/> creates the connection's
/// <see cref="SmtpSessionActor"/>; the pending answer is kept in the session context, so the
/// accept loop never waits for it.</item>
/// <item><b>IUserAuthenticator</b>: checks the password here, on the connection's task (the hash is
/// CPU work that must not run on an actor), then tells the session who logged in.</item>
/// <item><b>IMailboxFilter</b> (MAIL, RCPT) and <b>IMessageStore</b> (end of DATA): Ask the session,
/// which decides and answers with an <see cref="SmtpReply"/>. DATA's bytes are parsed and reduced
/// to SMS text here first (<see cref="MailPreparation"/>), so only an immutable summary reaches
/// the actor.</item>
/// <item><b>SessionCompleted / Faulted / Cancelled</b>: tell the session it is over; it stops.</item>
/// </list>
/// Every Ask has a timeout; a timeout or a dead session is a 451 (try again later), never a 250.
/// The library's own reply for a refusal is a bare "550 mailbox unavailable", so refusals are
/// thrown as <see cref="SmtpResponseException"/> to carry the gateway's text (the library appends
/// how many errors the client has left).
/// </summary>
public sealed class SmtpSessionHooks : IUserAuthenticator, IMailboxFilter, IMessageStore
{
    private const string SessionKey = "Gateway:SmtpSession";

    private readonly IActorRef _sessions;
    private readonly AccountDirectory _accounts;
    private readonly MailSettings _mail;
    private readonly MailConversionOptions _conversion;
    private readonly ILoggingAdapter _log;

    public SmtpSessionHooks(IActorRef sessions, AccountDirectory accounts, MailSettings mail, MailConversionOptions conversion, ILoggingAdapter log)
    {
        _sessions = sessions;
        _accounts = accounts;
        _mail = mail;
        _conversion = conversion;
        _log = log;
    }

    /// <summary>
    /// How long the edge waits for its session. The session answers MAIL and RCPT at once and DATA
    /// within <c>store-timeout</c> (its own timer), so this only catches a session that died.
    /// </summary>
    private TimeSpan AskTimeout => _mail.Smtp.StoreTimeout + TimeSpan.FromSeconds(2);

    /// <param name="tls">The listener's TLS mode, for the log.</param>
    public void OnSessionCreated(ISessionContext context, TlsMode tls)
    {
        var remote = Remote(context);
        var local = context.Properties.TryGetValue(EndpointListener.LocalEndPointKey, out var l) ? l : null;
        var open = new OpenSession(context.SessionId, remote?.ToString() ?? "?", $"{local} ({tls.ToString().ToLowerInvariant()})");
        context.Properties[SessionKey] = _sessions.Ask<SessionOpened>(open, AskTimeout);
        context.CommandExecuting += (_, e) =>
        {
            // SmtpServer answers this 530 itself, without asking the filter: log the refusal here.
            if (e.Command is MailCommand mail && !context.Authentication.IsAuthenticated)
                _log.Info("SMTP {0}: refused MAIL FROM:<{1}> before AUTH (530): no relaying for clients that have not logged in",
                    remote, mail.Address.AsAddress());
            if (e.Command is AuthCommand && !MailSecurity.AllowsPasswordLogin(_mail.AllowPlaintextAuth, (remote as IPEndPoint)?.Address, context.Pipe.IsSecure))
                throw new SmtpResponseException(Response(new SmtpReply(538,
                    context.EndpointDefinition.CertificateFactory is null
                        ? "5.7.11 encryption required for AUTH from your address, and this listener has no TLS: use the gateway's TLS port"
                        : "5.7.11 encryption required for AUTH: send STARTTLS first")));
        };
        context.CommandExecuted += (_, e) =>
        {
            if (e.Command is StartTlsCommand) Tell(context, new SecuredWithTls(context.Pipe.SslProtocol.ToString()));
        };
    }

    public void OnSessionEnded(ISessionContext context, string how) => Tell(context, new SessionEnded(how));

    /// <summary>
    /// The library gave up on the connection because of an exception (a malformed base64 answer in
    /// AUTH LOGIN throws inside SmtpServer, for one). The pipe is still open at this point: say why
    /// the connection is being closed, unless the client is already gone.
    /// </summary>
    public void OnSessionFaulted(ISessionContext context, Exception fault)
    {
        _log.Info("SMTP {0}: connection dropped: {1}: {2}", Remote(context), fault.GetType().Name, fault.Message);
        if (fault is not (IOException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException
            or OperationCanceledException or ObjectDisposedException))
        {
            var reply = fault is FormatException
                ? new SmtpReply(501, "5.5.2 malformed base64 in the AUTH exchange; closing connection")
                : new SmtpReply(421, $"4.3.0 the gateway could not handle that input ({fault.GetType().Name}); closing connection");
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                context.Pipe.Output.WriteReplyAsync(Response(reply), cts.Token).AsTask().Wait(cts.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException or AggregateException)
            {
                // nobody is listening any more
            }
        }
        Tell(context, new SessionEnded($"faulted ({fault.GetType().Name})"));
    }

    /// <summary>Whether AUTH may be offered on this connection now (EHLO lists it only then).</summary>
    public bool PasswordLoginAllowed(ISessionContext context) =>
        MailSecurity.AllowsPasswordLogin(_mail.AllowPlaintextAuth, (Remote(context) as IPEndPoint)?.Address, context.Pipe.IsSecure);

    public async Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken)
    {
        var client = (Remote(context) as IPEndPoint)?.Address ?? IPAddress.None;
        var result = _accounts.Authenticate(user, password, client);
        switch (result.Outcome)
        {
            case LoginOutcome.Success:
                var session = await SessionOf(context).ConfigureAwait(false);
                if (session is null) throw new SmtpResponseException(Response(SessionUnavailable));
                session.Tell(new LoggedIn(result.Account!));
                return true;
            case LoginOutcome.Throttled:
                throw new SmtpResponseException(Response(new SmtpReply(454,
                    $"4.7.0 too many failed log-ins; try again in {Math.Ceiling(result.RetryAfter.TotalSeconds)} s")));
            default:
                return false;
        }
    }

    public async Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) =>
        Accepted(await AskSession(context, new CheckSender(from.User ?? "", from.Host ?? "", size), AskTimeout).ConfigureAwait(false));

    public async Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
        Accepted(await AskSession(context, new CheckRecipient(to.User ?? "", to.Host ?? ""), AskTimeout).ConfigureAwait(false));

    public async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
    {
        // Never throw from here: SmtpServer swallows an SmtpResponseException thrown by the store and
        // sends no reply at all.
        try
        {
            var conversion = MailPreparation.Prepare(buffer, transaction.From.AsAddress(), _mail.MaxMessageSize, _conversion);
            var recipients = transaction.To.Select(t => t.AsAddress()).ToImmutableArray();
            var reply = await AskSession(context, new SubmitMail(recipients, conversion), AskTimeout).ConfigureAwait(false);
            return Response(reply);
        }
        catch (Exception e)
        {
            _log.Error(e, "SMTP {0}: storing a mail failed; client told 451", Remote(context));
            return Response(new SmtpReply(451, "4.3.0 the gateway failed to store the mail; nothing was sent, try again later"));
        }
    }

    private static bool Accepted(SmtpReply reply) =>
        reply.IsPositive ? true : throw new SmtpResponseException(Response(reply));

    private async Task<SmtpReply> AskSession(ISessionContext context, object message, TimeSpan timeout)
    {
        var session = await SessionOf(context).ConfigureAwait(false);
        if (session is null) return SessionUnavailable;
        try
        {
            return await session.Ask<SmtpReply>(message, timeout).ConfigureAwait(false);
        }
        catch (AskTimeoutException)
        {
            _log.Warning("SMTP {0}: no answer to {1} within {2}; client told 451", Remote(context), message.GetType().Name, timeout);
            return SmtpReply.StoreTimeout(timeout);
        }
    }

    private static async Task<IActorRef?> SessionOf(ISessionContext context)
    {
        if (!context.Properties.TryGetValue(SessionKey, out var value) || value is not Task<SessionOpened> opened) return null;
        try
        {
            return (await opened.ConfigureAwait(false)).Session;
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }

    private static void Tell(ISessionContext context, object message)
    {
        if (context.Properties.TryGetValue(SessionKey, out var value) && value is Task<SessionOpened> opened)
            opened.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully) t.Result.Session.Tell(message);
            }, TaskContinuationOptions.ExecuteSynchronously);
    }

    private static EndPoint? Remote(ISessionContext context) =>
        context.Properties.TryGetValue(EndpointListener.RemoteEndPointKey, out var value) ? value as EndPoint : null;

    internal static SmtpResponse Response(SmtpReply reply) => new((SmtpReplyCode)reply.Code, reply.Text);

    private static readonly SmtpReply SessionUnavailable =
        new(451, "4.3.0 the gateway could not open a session for this connection; try again later");
}
