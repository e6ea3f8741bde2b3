using System.Collections.Immutable;
using Akka.Actor;
using Gateway.Accounts;

namespace Gateway.Mail.Smtp;

// Messages between the SmtpServer hooks (the edge) and the mail-session actors of this node.
// They never leave the node: the session lives where its TCP connection is.

/// <summary>Asks <see cref="SmtpSessionsActor"/> for a session actor for a new connection; answered with <see cref="SessionOpened"/>.</summary>
/// <param name="Client">The client's address and port, for the log.</param>
/// <param name="Listener">The listener's address and TLS mode, for the log.</param>
public sealed record OpenSession(Guid SessionId, string Client, string Listener);

public sealed record SessionOpened(Guid SessionId, IActorRef Session);

/// <summary>The connection is over (<paramref name="How"/>: "completed", "cancelled", or the fault); the session actor stops.</summary>
public sealed record SessionEnded(string How);

/// <summary>The client logged in (AUTH succeeded at the edge); the session now submits as this account.</summary>
public sealed record LoggedIn(Account Account);

/// <summary>Upgrade to TLS (STARTTLS) finished; only for the session's own record.</summary>
public sealed record SecuredWithTls(string Protocol);

/// <summary><c>MAIL FROM</c>: answered with an <see cref="SmtpReply"/> (2xx accepts).</summary>
public sealed record CheckSender(string LocalPart, string Domain, long DeclaredSize);

/// <summary><c>RCPT TO</c>: answered with an <see cref="SmtpReply"/> (2xx accepts).</summary>
public sealed record CheckRecipient(string LocalPart, string Domain);

/// <summary>
/// <c>DATA</c> done: the envelope recipients (as the client gave them, in order) and the mail as
/// the edge prepared it (or the reason it cannot be sent). Answered with the final
/// <see cref="SmtpReply"/>: 250 naming the job ids only after the mailbox persisted the jobs.
/// </summary>
public sealed record SubmitMail(ImmutableArray<string> Recipients, MailConversion Conversion);
