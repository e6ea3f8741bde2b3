using System.Collections.Immutable;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Event;
using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Mailbox;

namespace Gateway.Mail.Pop3;

/// <summary>
/// One POP3 connection's session actor: feeds what the connection reads to <see cref="Pop3Engine"/>
/// and carries out the effects it returns (replies, the password check on a pool thread, the
/// maildrop lock, fetching message contents, committing deletions). It waits for the mailbox at
/// most <c>mail.pop3.mailbox-timeout</c>, then answers <c>-ERR [SYS/TEMP]</c>. The mailbox watches
/// this actor, so the lock goes when the session does; the session also releases it explicitly
/// when the connection ends without QUIT (nothing is deleted then).
/// </summary>
public sealed class Pop3Session : ReceiveActor, IWithTimers
{
    private sealed record PasswordChecked(LoginResult Result);

    private sealed class LockOrCommitTimedOut
    {
        public static readonly LockOrCommitTimedOut Instance = new();
    }

    private sealed class FetchTimedOut
    {
        public static readonly FetchTimedOut Instance = new();
    }

    private const string LockOrCommitTimer = "lock-or-commit";
    private const string FetchTimer = "fetch";

    private readonly Socket _socket;
    private readonly ListenerSettings _listener;
    private readonly Pop3Services _services;
    private readonly string _name;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Pop3ContentCache _cache = new();
    private Pop3Connection _connection = null!;
    private Pop3SessionState _state = null!;
    private Pop3Effect.Retrieve? _waiting;
    private int _retrieved;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(Socket socket, ListenerSettings listener, Pop3Services services, string name) =>
        Akka.Actor.Props.Create(() => new Pop3Session(socket, listener, services, name));

    public Pop3Session(Socket socket, ListenerSettings listener, Pop3Services services, string name)
    {
        _socket = socket;
        _listener = listener;
        _services = services;
        _name = $"{name} {socket.RemoteEndPoint}";
        var timeout = services.Mail.Pop3.MailboxTimeout;

        Receive<Pop3Connection.ConnectionOpened>(o =>
        {
            // STLS is offered on listeners configured with tls = starttls (which requires a certificate).
            var stlsOffered = services.Certificate is not null && _listener.Tls == TlsMode.Starttls;
            _state = Pop3SessionState.Start(o.Secure, stlsOffered, services.Mail.AllowPlaintextAuth,
                _connection.Remote?.Address, services.Mail.Pop3.MaxBadCommands);
            Run(Pop3Engine.Greeting(_state));
        });
        Receive<Pop3Connection.LineReceived>(l =>
        {
            if (_log.IsDebugEnabled) _log.Debug("{0} C: {1}", _name, Redacted(l.Line));
            Run(Pop3Engine.OnLine(_state, l.Line));
        });
        Receive<Pop3Connection.LineTooLong>(_ => Run(Pop3Engine.OnLineTooLong(_state)));
        Receive<Pop3Connection.TlsStarted>(_ =>
        {
            _log.Debug("{0}: TLS started", _name);
            Run(Pop3Engine.OnTlsStarted(_state));
        });
        Receive<Pop3Connection.ConnectionClosed>(c =>
        {
            _log.Debug("{0}: {1}", _name, c.Reason);
            if (_state is not null) Run(Pop3Engine.OnClosed(_state));
            Context.Stop(Self);
        });

        Receive<PasswordChecked>(p =>
        {
            if (p.Result.Succeeded)
                _log.Info("POP3 {0}: {1} logged in ({2})", _name, p.Result.Account!.Name, _state.Secure ? "TLS" : "no TLS");
            Run(Pop3Engine.OnPasswordChecked(_state, p.Result));
        });

        Receive<MaildropLocked>(m =>
        {
            Timers.Cancel(LockOrCommitTimer);
            if (_state.Phase != Pop3Phase.Locking)
            {
                // The lock came after the client was told the mailbox did not answer: give it back.
                services.Mailboxes.Tell(new ReleaseMaildrop(m.User));
                return;
            }
            Run(Pop3Engine.OnLocked(_state, m.Messages));
            if (_state.State == Pop3State.Transaction) Fetch(_cache.Ahead(_state.Maildrop!, 1));
        });
        Receive<MaildropInUse>(m =>
        {
            Timers.Cancel(LockOrCommitTimer);
            _log.Info("POP3 {0}: maildrop of {1} is locked by {2}", _name, m.User, m.HeldBy);
            Run(Pop3Engine.OnLockRefused(_state, "[IN-USE] the maildrop is already locked by another session"));
        });
        Receive<NoSuchMailbox>(m =>
        {
            Timers.Cancel(LockOrCommitTimer);
            Run(Pop3Engine.OnLockRefused(_state, $"[SYS/PERM] {m.User} has no mailbox"));
        });
        Receive<LockOrCommitTimedOut>(_ =>
        {
            _log.Warning("POP3 {0}: the mailbox did not answer within {1}", _name, timeout);
            Run(_state.Phase == Pop3Phase.Committing
                ? Pop3Engine.OnCommitFailed(_state, "the mailbox did not answer in time")
                : Pop3Engine.OnLockRefused(_state, "[SYS/TEMP] the mailbox is not available right now; try again later"));
        });

        Receive<MessagesFetched>(OnFetched);
        Receive<FetchTimedOut>(_ =>
        {
            _cache.FetchFailed();
            if (_waiting is null) return;
            _log.Warning("POP3 {0}: message contents did not arrive within {1}", _name, timeout);
            _waiting = null;
            _connection.Send(Pop3Reply.Err("[SYS/TEMP] the mailbox did not answer in time; try again"));
        });
        Receive<MaildropNotLocked>(_ =>
        {
            _log.Warning("POP3 {0}: the mailbox no longer knows this session's lock (it restarted); closing", _name);
            Timers.CancelAll();
            if (_state.Phase == Pop3Phase.Committing)
            {
                Run(Pop3Engine.OnCommitFailed(_state, "the maildrop lock was lost"));
                return;
            }
            _waiting = null;
            _state = _state with { Phase = Pop3Phase.Closed };
            _connection.Send(Pop3Reply.Err("[SYS/TEMP] the maildrop lock was lost (the mailbox restarted); log in again", Pop3ReplyAction.Close));
        });

        Receive<DeletionsCommitted>(d =>
        {
            Timers.Cancel(LockOrCommitTimer);
            _log.Info("POP3 {0}: {1} quit; {2} messages retrieved, {3} deleted", _name, d.User, _retrieved, d.Deleted);
            Run(Pop3Engine.OnCommitted(_state, d.Deleted));
        });
        Receive<CommitFailed>(f =>
        {
            Timers.Cancel(LockOrCommitTimer);
            _log.Warning("POP3 {0}: deletions not committed: {1}", _name, f.Reason);
            Run(Pop3Engine.OnCommitFailed(_state, f.Reason));
        });
    }

    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    protected override void PreStart()
    {
        _connection = new Pop3Connection(_socket, _services.Certificate, _listener.Tls == TlsMode.Implicit, _services.Mail.Pop3.IdleTimeout, Self);
        _connection.Start();
    }

    protected override void PostStop()
    {
        if (_state is not null) Run(Pop3Engine.OnClosed(_state)); // stopped by the server: release the lock, delete nothing
        _connection.Dispose();
    }

    private void Run(Pop3Step step)
    {
        _state = step.State;
        foreach (var effect in step.Effects)
        {
            switch (effect)
            {
                case Pop3Effect.Reply r:
                    if (_log.IsDebugEnabled) _log.Debug("{0} S: {1}", _name, FirstLine(r.Value));
                    _connection.Send(r.Value);
                    break;
                case Pop3Effect.CheckPassword c:
                    var accounts = _services.Accounts;
                    var client = _connection.Remote?.Address ?? System.Net.IPAddress.None;
                    Task.Run(() => accounts.Authenticate(c.Login, c.Password, client))
                        .PipeTo(Self, success: r => new PasswordChecked(r),
                            failure: _ => new PasswordChecked(new LoginResult(LoginOutcome.Refused, null, TimeSpan.Zero)));
                    break;
                case Pop3Effect.Lock l:
                    _services.Mailboxes.Tell(new LockMaildrop(l.User, _name));
                    Timers.StartSingleTimer(LockOrCommitTimer, LockOrCommitTimedOut.Instance, _services.Mail.Pop3.MailboxTimeout);
                    break;
                case Pop3Effect.Retrieve r:
                    Retrieve(r);
                    break;
                case Pop3Effect.Commit c:
                    _services.Mailboxes.Tell(new CommitDeletions(_state.Account!, c.Numbers));
                    Timers.StartSingleTimer(LockOrCommitTimer, LockOrCommitTimedOut.Instance, _services.Mail.Pop3.MailboxTimeout);
                    break;
                case Pop3Effect.Release:
                    if (_state.Account is { } user)
                    {
                        _services.Mailboxes.Tell(new ReleaseMaildrop(user));
                        if (_state.State is Pop3State.Transaction or Pop3State.Update)
                            _log.Info("POP3 {0}: {1} left; {2} messages retrieved, none deleted", _name, user, _retrieved);
                    }
                    break;
            }
        }
    }

    // ------------------------------------------------------------------ message contents

    private void Retrieve(Pop3Effect.Retrieve r)
    {
        if (_cache.TryGet(r.Entry.Number, out var content))
        {
            _connection.Send(Pop3Reply.Message(r.TopLines is null ? $"{r.Entry.Size} octets" : "top of message follows", content.AsSpan(), r.TopLines));
            if (r.TopLines is null)
            {
                _cache.Forget(r.Entry.Number);
                _retrieved++;
            }
            Fetch(_cache.Ahead(_state.Maildrop!, r.Message + 1)); // keep the messages after this one coming
            return;
        }
        _waiting = r;
        Fetch(_cache.Needed(_state.Maildrop!, r.Message)); // nothing while a fetch is in flight: asked again when it lands
    }

    private void Fetch(ImmutableArray<long> batch)
    {
        if (batch.IsEmpty) return;
        _services.Mailboxes.Tell(new FetchMessages(_state.Account!, batch));
        Timers.StartSingleTimer(FetchTimer, FetchTimedOut.Instance, _services.Mail.Pop3.MailboxTimeout);
    }

    private void OnFetched(MessagesFetched fetched)
    {
        Timers.Cancel(FetchTimer);
        var missing = _cache.Add(fetched.Messages);
        if (_waiting is not { } waiting || _state.Phase == Pop3Phase.Closed) return;
        if (_cache.TryGet(waiting.Entry.Number, out _))
        {
            _waiting = null;
            Retrieve(waiting);
        }
        else if (missing.Contains(waiting.Entry.Number))
        {
            _waiting = null;
            _connection.Send(Pop3Reply.Err($"[SYS/TEMP] message {waiting.Message} is no longer in the mailbox"));
        }
        else Fetch(_cache.Needed(_state.Maildrop!, waiting.Message)); // the batch that came was for other messages
    }

    private static string FirstLine(Pop3Reply reply)
    {
        var bytes = reply.Bytes.AsSpan();
        var end = bytes.IndexOf((byte)'\r');
        return System.Text.Encoding.ASCII.GetString(end < 0 ? bytes : bytes[..end]);
    }

    private string Redacted(string line) =>
        _state?.Phase == Pop3Phase.AwaitingSaslResponse ? "***"
        : line.StartsWith("PASS ", StringComparison.OrdinalIgnoreCase) ? "PASS ***"
        : line.StartsWith("AUTH ", StringComparison.OrdinalIgnoreCase) && line.Count(c => c == ' ') > 1 ? line[..line.LastIndexOf(' ')] + " ***"
        : line;
}

/// <summary>What every POP3 session of a node shares.</summary>
/// <param name="Mailboxes">The mailbox shard region.</param>
/// <param name="Certificate">For STLS and implicit-TLS listeners; null when <c>mail.tls</c> is not configured.</param>
public sealed record Pop3Services(MailSettings Mail, AccountDirectory Accounts, IActorRef Mailboxes, System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate);
