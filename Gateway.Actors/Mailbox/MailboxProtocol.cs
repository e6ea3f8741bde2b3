using Gateway.Sms;

namespace Gateway.Mailbox;

/// <summary>A message for one user's mailbox entity; sharding routes it by <see cref="User"/> (the user's short name).</summary>
public interface IMailboxCommand
{
    string User { get; }
}

/// <summary>
/// One SMS to send, as accepted from an e-mail (one per recipient). Immutable; carries what the
/// router and the job record need, not the e-mail.
/// </summary>
/// <param name="JobId">Unique, chosen by the SMTP side and named in its 250 reply.</param>
/// <param name="Destination">E.164.</param>
/// <param name="Text">The SMS text after the e-mail was reduced to it (quotes, signature stripped; subject/sender inserted if configured).</param>
/// <param name="Notes">What the user should know about the conversion, e.g. "attachment ignored: report.pdf".</param>
public sealed record OutgoingSms(
    string JobId,
    string User,
    string Destination,
    string Text,
    SmsCoding Coding,
    int Parts,
    DateTimeOffset AcceptedAt,
    string? MessageId,
    string? Subject,
    IReadOnlyList<string> Notes);

/// <summary>
/// Asks the mailbox to persist the jobs of one accepted e-mail atomically. Replies
/// <see cref="OutgoingAccepted"/> only once they are in the journal (SMTP may then answer 250),
/// else <see cref="OutgoingRefused"/>.
/// </summary>
public sealed record SubmitOutgoing(string User, string SubmissionId, IReadOnlyList<OutgoingSms> Jobs) : IMailboxCommand;

public sealed record OutgoingAccepted(string SubmissionId, IReadOnlyList<string> JobIds);

public sealed record OutgoingRefused(string SubmissionId, string Reason);

/// <summary>Sent by the mailbox to whatever consumes outgoing jobs (the SMS router) after the job is persisted.</summary>
public sealed record OutgoingJobQueued(OutgoingSms Job);

/// <summary>Key for the mailbox shard region in Akka.Hosting's ActorRegistry.</summary>
public sealed class MailboxRegion;
