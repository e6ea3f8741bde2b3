using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Text;
using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Mailbox;

namespace Gateway.Mail.Pop3;

/// <summary>Where a session is within its state: ready for a command, or waiting for something it asked for.</summary>
public enum Pop3Phase { Ready, CheckingPassword, AwaitingSaslResponse, Locking, Committing, Closed }

/// <summary>Everything the POP3 engine knows about one session. Immutable.</summary>
/// <param name="User">The name given with USER, until PASS or a failure clears it.</param>
/// <param name="Account">The user (short name) once the password was accepted.</param>
public sealed record Pop3SessionState(
    Pop3State State,
    Pop3Phase Phase,
    bool Secure,
    bool TlsAvailable,
    PlaintextAuth Policy,
    IPAddress? Remote,
    string? User,
    string? Account,
    Maildrop? Maildrop,
    int BadCommands,
    int MaxBadCommands)
{
    public static Pop3SessionState Start(bool secure, bool tlsAvailable, PlaintextAuth policy, IPAddress? remote, int maxBadCommands) =>
        new(Pop3State.Authorization, Pop3Phase.Ready, secure, tlsAvailable, policy, remote, null, null, null, 0, maxBadCommands);

    public bool PasswordLoginAllowed => MailSecurity.AllowsPasswordLogin(Policy, Remote, Secure);

    public Pop3Guards Guards => new(User is not null, Secure, TlsAvailable, PasswordLoginAllowed);

    /// <summary>Whether this session holds (or is getting) the maildrop lock, which must be released when it ends.</summary>
    public bool HoldsLock => Account is not null && (State is Pop3State.Transaction or Pop3State.Update || Phase == Pop3Phase.Locking);
}

/// <summary>What the engine asks its actor to do: write a reply, or start something whose result comes back later.</summary>
public abstract record Pop3Effect
{
    public sealed record Reply(Pop3Reply Value) : Pop3Effect;

    /// <summary>Check a password (slow: off the actor's thread); the result goes to <see cref="Pop3Engine.OnPasswordChecked"/>.</summary>
    public sealed record CheckPassword(string Login, string Password) : Pop3Effect
    {
        public override string ToString() => $"CheckPassword {{ Login = {Login}, Password = *** }}";
    }

    /// <summary>Ask the user's mailbox for the maildrop lock; the answer goes to <see cref="Pop3Engine.OnLocked"/> or <see cref="Pop3Engine.OnLockRefused"/>.</summary>
    public sealed record Lock(string User) : Pop3Effect;

    /// <summary>Send message <paramref name="Message"/> (RETR), or its header and <paramref name="TopLines"/> body lines (TOP).</summary>
    public sealed record Retrieve(int Message, MaildropEntry Entry, int? TopLines) : Pop3Effect;

    /// <summary>UPDATE: delete these messages in the mailbox (which also releases the lock).</summary>
    public sealed record Commit(ImmutableArray<long> Numbers) : Pop3Effect;

    /// <summary>Release the lock without deleting anything.</summary>
    public sealed record Release : Pop3Effect;
}

/// <summary>The engine's answer to an input: the next state and what to do.</summary>
public sealed record Pop3Step(Pop3SessionState State, ImmutableArray<Pop3Effect> Effects)
{
    public Pop3Step(Pop3SessionState state, params Pop3Effect[] effects) : this(state, effects.ToImmutableArray()) { }
}

/// <summary>
/// The POP3 server's protocol as pure functions: given the session state and an input (a command
/// line, a password check's result, the mailbox's answer), the next state and the effects. The
/// session actor feeds it inputs and carries out the effects; the engine decides every reply
/// except message contents. Commands are judged by <see cref="Pop3StateTable"/> first. Protocol
/// errors (unknown, malformed, out-of-place or over-long commands) are counted, and the
/// connection is closed after <c>mail.pop3.max-bad-commands</c> of them; a command that is valid
/// but fails (RETR of a deleted message) is not a protocol error.
/// </summary>
public static class Pop3Engine
{
    public const string Implementation = "sms-gateway";

    public static Pop3Step Greeting(Pop3SessionState s) => Say(s, Pop3Reply.Ok($"{Implementation} POP3 server ready"));

    public static Pop3Step OnLine(Pop3SessionState s, string line)
    {
        switch (s.Phase)
        {
            case Pop3Phase.Closed:
                return new Pop3Step(s);
            case Pop3Phase.AwaitingSaslResponse:
                return SaslResponse(s with { Phase = Pop3Phase.Ready }, line);
            case not Pop3Phase.Ready:
                return Bad(s, "[SYS/TEMP] busy with the previous command");
        }
        if (!Pop3CommandParser.TryParse(line, out var command, out var error)) return Bad(s, error.Reply);
        if (Pop3StateTable.Refusal(s.State, command.Verb, s.Guards) is { } refusal) return Bad(s, refusal);
        return s.State == Pop3State.Authorization ? Authorization(s, command) : Transaction(s, command);
    }

    public static Pop3Step OnLineTooLong(Pop3SessionState s) =>
        s.Phase == Pop3Phase.Closed ? new Pop3Step(s) : Bad(s with { Phase = s.Phase == Pop3Phase.AwaitingSaslResponse ? Pop3Phase.Ready : s.Phase }, "line too long");

    /// <summary>STLS finished: the connection is secure and the client starts over (RFC 2595: forget what was said before).</summary>
    public static Pop3Step OnTlsStarted(Pop3SessionState s) => new(s with { Secure = true, User = null });

    public static Pop3Step OnPasswordChecked(Pop3SessionState s, LoginResult result)
    {
        if (s.Phase != Pop3Phase.CheckingPassword) return new Pop3Step(s);
        return result.Outcome switch
        {
            LoginOutcome.Success => new Pop3Step(s with { Phase = Pop3Phase.Locking, Account = result.Account!.Name, User = null },
                new Pop3Effect.Lock(result.Account.Name)),
            LoginOutcome.Throttled => Say(s with { Phase = Pop3Phase.Ready, User = null },
                Pop3Reply.Err($"[AUTH] too many failed log-ins; try again in {Math.Ceiling(result.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture)} seconds")),
            _ => Say(s with { Phase = Pop3Phase.Ready, User = null }, Pop3Reply.Err("[AUTH] invalid user name or password")),
        };
    }

    public static Pop3Step OnLocked(Pop3SessionState s, ImmutableArray<MaildropEntry> listing)
    {
        if (s.Phase != Pop3Phase.Locking) return new Pop3Step(s, new Pop3Effect.Release());
        var maildrop = Maildrop.Of(listing);
        return Say(s with { State = Pop3State.Transaction, Phase = Pop3Phase.Ready, Maildrop = maildrop },
            Pop3Reply.Ok($"{s.Account} has {maildrop.Count} messages ({maildrop.Size} octets)"));
    }

    /// <param name="reply">The <c>-ERR</c> text with its response code, e.g. <c>[IN-USE] …</c> or <c>[SYS/TEMP] …</c>.</param>
    public static Pop3Step OnLockRefused(Pop3SessionState s, string reply) =>
        s.Phase != Pop3Phase.Locking
            ? new Pop3Step(s)
            : Say(s with { Phase = Pop3Phase.Ready, Account = null, User = null }, Pop3Reply.Err(reply));

    public static Pop3Step OnCommitted(Pop3SessionState s, int deleted) =>
        s.Phase != Pop3Phase.Committing
            ? new Pop3Step(s)
            : Say(s with { Phase = Pop3Phase.Closed }, Pop3Reply.Ok($"{Implementation} signing off ({deleted} messages deleted)", Pop3ReplyAction.Close));

    public static Pop3Step OnCommitFailed(Pop3SessionState s, string reason) =>
        s.Phase != Pop3Phase.Committing
            ? new Pop3Step(s)
            : new Pop3Step(s with { Phase = Pop3Phase.Closed }, new Pop3Effect.Release(),
                new Pop3Effect.Reply(Pop3Reply.Err($"[SYS/TEMP] some deleted messages not removed ({reason})", Pop3ReplyAction.Close)));

    /// <summary>The connection ended (client gone, idle, error): nothing is deleted; a held lock is released.</summary>
    public static Pop3Step OnClosed(Pop3SessionState s) =>
        s.HoldsLock && s.Phase != Pop3Phase.Closed
            ? new Pop3Step(s with { Phase = Pop3Phase.Closed }, new Pop3Effect.Release())
            : new Pop3Step(s with { Phase = Pop3Phase.Closed });

    // ------------------------------------------------------------------ AUTHORIZATION

    private static Pop3Step Authorization(Pop3SessionState s, Pop3Command c)
    {
        switch (c.Verb)
        {
            case Pop3Verb.Capa:
                return Say(s, Capabilities(s));
            case Pop3Verb.Quit:
                return Say(s with { Phase = Pop3Phase.Closed }, Pop3Reply.Ok($"{Implementation} signing off", Pop3ReplyAction.Close));
            case Pop3Verb.Stls:
                return Say(s, Pop3Reply.Ok("Begin TLS negotiation", Pop3ReplyAction.StartTls));
            case Pop3Verb.User:
                return Say(s with { User = c.Text }, Pop3Reply.Ok("send PASS"));
            case Pop3Verb.Pass:
                return new Pop3Step(s with { Phase = Pop3Phase.CheckingPassword }, new Pop3Effect.CheckPassword(s.User!, c.Text!));
            case Pop3Verb.Auth when c.Text is null:
                return Say(s, Pop3Reply.MultiLine("+OK SASL mechanisms follow", ["PLAIN"]));
            case Pop3Verb.Auth when c.Text != "PLAIN":
                return Bad(s, "unsupported authentication mechanism; this server offers PLAIN");
            case Pop3Verb.Auth when c.InitialResponse is { } initial:
                return SaslResponse(s, initial == "=" ? "" : initial);
            case Pop3Verb.Auth:
                return Say(s with { Phase = Pop3Phase.AwaitingSaslResponse }, Pop3Reply.Continue(""));
            default:
                return Bad(s, "unknown command");
        }
    }

    /// <summary>RFC 4616 PLAIN: base64 of <c>authzid NUL authcid NUL password</c>; <c>*</c> cancels.</summary>
    private static Pop3Step SaslResponse(Pop3SessionState s, string line)
    {
        if (line == "*") return Say(s, Pop3Reply.Err("authentication cancelled"));
        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(line);
        }
        catch (FormatException)
        {
            return Bad(s, "[AUTH] the PLAIN response is not valid base64");
        }
        var parts = Encoding.UTF8.GetString(decoded).Split('\0');
        if (parts.Length != 3 || parts[1].Length == 0)
            return Bad(s, "[AUTH] the PLAIN response must be authzid NUL authcid NUL password");
        if (parts[0].Length > 0 && !string.Equals(parts[0], parts[1], StringComparison.OrdinalIgnoreCase))
            return Say(s, Pop3Reply.Err("[AUTH] logging in as another user is not supported"));
        return new Pop3Step(s with { Phase = Pop3Phase.CheckingPassword }, new Pop3Effect.CheckPassword(parts[1], parts[2]));
    }

    /// <summary>RFC 2449 CAPA: log-in methods only where they are allowed now, STLS only where it can be started.</summary>
    public static Pop3Reply Capabilities(Pop3SessionState s)
    {
        var lines = new List<string> { "TOP", "UIDL", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING" };
        if (s.State == Pop3State.Authorization)
        {
            if (s.PasswordLoginAllowed) lines.AddRange(["USER", "SASL PLAIN"]);
            if (s.TlsAvailable && !s.Secure) lines.Add("STLS");
        }
        lines.Add("IMPLEMENTATION " + Implementation);
        return Pop3Reply.MultiLine("+OK capability list follows", lines);
    }

    // ------------------------------------------------------------------ TRANSACTION

    private static Pop3Step Transaction(Pop3SessionState s, Pop3Command c)
    {
        var drop = s.Maildrop!;
        switch (c.Verb)
        {
            case Pop3Verb.Capa:
                return Say(s, Capabilities(s));
            case Pop3Verb.Stat:
                return Say(s, Pop3Reply.Ok(Invariant($"{drop.Count} {drop.Size}")));
            case Pop3Verb.Noop:
                return Say(s, Pop3Reply.Ok(""));
            case Pop3Verb.Rset:
                drop = drop.Reset();
                return Say(s with { Maildrop = drop }, Pop3Reply.Ok(Invariant($"maildrop has {drop.Count} messages ({drop.Size} octets)")));
            case Pop3Verb.List when c.Message is { } n:
                return Say(s, drop.TryGet(n, out var listed, out var listError) ? Pop3Reply.Ok(Invariant($"{n} {listed.Size}")) : Pop3Reply.Err(listError));
            case Pop3Verb.List:
                return Say(s, Pop3Reply.MultiLine(Invariant($"+OK {drop.Count} messages ({drop.Size} octets)"),
                    drop.Live().Select(p => Invariant($"{p.Number} {p.Entry.Size}"))));
            case Pop3Verb.Uidl when c.Message is { } n:
                return Say(s, drop.TryGet(n, out var uid, out var uidError) ? Pop3Reply.Ok(Invariant($"{n} {uid.Uid}")) : Pop3Reply.Err(uidError));
            case Pop3Verb.Uidl:
                return Say(s, Pop3Reply.MultiLine("+OK unique-id listing follows", drop.Live().Select(p => Invariant($"{p.Number} {p.Entry.Uid}"))));
            case Pop3Verb.Retr or Pop3Verb.Top:
                return drop.TryGet(c.Message!.Value, out var entry, out var retrError)
                    ? new Pop3Step(s, new Pop3Effect.Retrieve(c.Message.Value, entry, c.Lines))
                    : Say(s, Pop3Reply.Err(retrError));
            case Pop3Verb.Dele:
                return drop.TryGet(c.Message!.Value, out _, out var deleError)
                    ? Say(s with { Maildrop = drop.MarkDeleted(c.Message.Value) }, Pop3Reply.Ok(Invariant($"message {c.Message} deleted")))
                    : Say(s, Pop3Reply.Err(deleError));
            case Pop3Verb.Quit:
                var deleted = drop.DeletedNumbers();
                if (deleted.IsEmpty)
                    return new Pop3Step(s with { State = Pop3State.Update, Phase = Pop3Phase.Closed }, new Pop3Effect.Release(),
                        new Pop3Effect.Reply(Pop3Reply.Ok($"{Implementation} signing off (maildrop empty of deletions)", Pop3ReplyAction.Close)));
                return new Pop3Step(s with { State = Pop3State.Update, Phase = Pop3Phase.Committing }, new Pop3Effect.Commit(deleted));
            default:
                return Bad(s, "unknown command");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Pop3Step Say(Pop3SessionState s, Pop3Reply reply) => new(s, new Pop3Effect.Reply(reply));

    /// <summary>A protocol error: <c>-ERR</c>, counted; the one that reaches the limit closes the connection.</summary>
    private static Pop3Step Bad(Pop3SessionState s, string text)
    {
        var bad = s.BadCommands + 1;
        if (bad < s.MaxBadCommands) return Say(s with { BadCommands = bad }, Pop3Reply.Err(text));
        var closing = s with { BadCommands = bad, Phase = Pop3Phase.Closed };
        var reply = new Pop3Effect.Reply(Pop3Reply.Err(text + "; too many bad commands, closing", Pop3ReplyAction.Close));
        return s.HoldsLock ? new Pop3Step(closing, new Pop3Effect.Release(), reply) : new Pop3Step(closing, reply);
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
