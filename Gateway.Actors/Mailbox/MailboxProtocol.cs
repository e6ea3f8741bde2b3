using System.Collections.Immutable;
using Gateway.Sms;

namespace Gateway.Mailbox;

/// <summary>
/// Marks every type the mailbox writes to the journal or sends across the cluster. They are all
/// bound to <see cref="MailboxSerializer"/> (compact binary), never to a reflection-based default.
/// </summary>
public interface IMailboxSerializable;

/// <summary>A message for one user's mailbox entity; sharding routes it by <see cref="User"/> (the user's short name).</summary>
public interface IMailboxCommand : IMailboxSerializable
{
    string User { get; }
}

// ---------------------------------------------------------------------------------------------
// Outgoing: e-mail → SMS jobs (SMTP submits, the SMS router consumes and records progress)
// ---------------------------------------------------------------------------------------------

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
/// else <see cref="OutgoingRefused"/>. Sending the same submission again is answered
/// <see cref="OutgoingAccepted"/> without storing it twice.
/// </summary>
public sealed record SubmitOutgoing(string User, string SubmissionId, IReadOnlyList<OutgoingSms> Jobs) : IMailboxCommand;

public sealed record OutgoingAccepted(string SubmissionId, IReadOnlyList<string> JobIds) : IMailboxSerializable;

/// <summary>The jobs were not stored: a persistence failure, a limit, or a malformed submission (<see cref="Reason"/> says which).</summary>
public sealed record OutgoingRefused(string SubmissionId, string Reason) : IMailboxSerializable;

/// <summary>
/// Sent by the mailbox to the outgoing-job consumer (the SMS router) after the job is persisted,
/// again after recovery (also when it was <see cref="JobState.Sending"/>: the send may have died
/// with the node), and again every <c>mail.mailbox.job-reoffer-after</c> while the job is still
/// <see cref="JobState.Queued"/> (at-least-once hand-off). The consumer takes a job by recording
/// <see cref="JobState.Sending"/> with <see cref="RecordJobProgress"/>, and ignores offers of jobs it already has.
/// </summary>
public sealed record OutgoingJobQueued(OutgoingSms Job) : IMailboxSerializable;

/// <summary>
/// Records what became of a job. Valid steps: queued → sending | failed; sending → sending (another
/// module) | sent | failed | queued (given back); sent → delivered | failed. Repeating the current
/// status is accepted without a new event. Replies <see cref="JobProgressRecorded"/> once stored,
/// else <see cref="JobProgressRefused"/>.
/// </summary>
public sealed record RecordJobProgress(string User, string JobId, JobStatus Status) : IMailboxCommand;

public sealed record JobProgressRecorded(string JobId, JobState State) : IMailboxSerializable;

public sealed record JobProgressRefused(string JobId, string Reason) : IMailboxSerializable;

/// <summary>Asks for the user's outgoing jobs with their history, oldest first (only what is stored).</summary>
public sealed record GetOutgoingJobs(string User) : IMailboxCommand;

public sealed record OutgoingJobsResult(string User, IReadOnlyList<OutgoingJobRecord> Jobs) : IMailboxSerializable;

// ---------------------------------------------------------------------------------------------
// Inbox: SMS and gateway-written mail into the user's mailbox (the SMS router, bounces)
// ---------------------------------------------------------------------------------------------

/// <summary>An SMS (reassembled if it came in parts) that an incoming rule gave to a user.</summary>
/// <param name="Sender">The originator: an E.164 number, a national/short number, or an alphanumeric name.</param>
/// <param name="Timestamp">The service centre time stamp, with the zone the network sent.</param>
/// <param name="Module">The receiving module's name.</param>
/// <param name="Group">The receiving module's SMS group.</param>
/// <param name="SimNumber">The receiving SIM's own number, when known.</param>
/// <param name="Parts">How many SMS parts the text came in.</param>
/// <param name="MissingParts">
/// Part numbers of a concatenated SMS that never arrived (the router stopped waiting for them):
/// the e-mail says it is incomplete. Default (or empty): the SMS is whole.
/// </param>
public sealed record IncomingSms(
    SmsAddress Sender,
    DateTimeOffset Timestamp,
    string Text,
    string Module,
    string Group,
    string? SimNumber,
    int Parts,
    ImmutableArray<int> MissingParts = default)
{
    /// <summary>Never a default array: a default (an SMS that is whole) reads as empty.</summary>
    public ImmutableArray<int> MissingParts { get; init => field = value.IsDefault ? [] : value; } = MissingParts.IsDefault ? [] : MissingParts;

    /// <summary>True when parts are missing.</summary>
    public bool IsIncomplete => !MissingParts.IsEmpty;
}

/// <summary>
/// Asks the mailbox to store <paramref name="Sms"/> as an e-mail. Idempotent by
/// <paramref name="DeliveryId"/>: offering the same SMS again (after a crash, before the SIM copy
/// was deleted) answers <see cref="SmsStored"/> with the first copy's uid and stores nothing.
/// Replies <see cref="SmsStored"/> once in the journal (only then may the SIM copy be deleted),
/// <see cref="MailboxFull"/> (the SMS must wait on the SIM), or <see cref="DeliveryFailed"/>.
/// </summary>
/// <param name="DeliveryId">Unique per received SMS, stable across re-offers (e.g. module + SIM slot + time stamp).</param>
public sealed record DeliverSms(string User, string DeliveryId, IncomingSms Sms) : IMailboxCommand;

public sealed record SmsStored(string DeliveryId, string Uid) : IMailboxSerializable;

/// <summary>
/// Stores an e-mail the gateway writes itself (a bounce, a notification): raw RFC 5322 bytes,
/// line endings normalised to CRLF. Idempotent by <paramref name="DeliveryId"/> like
/// <see cref="DeliverSms"/>. Replies <see cref="MailStored"/>, <see cref="MailboxFull"/> or
/// <see cref="DeliveryFailed"/>.
/// </summary>
public sealed record DeliverMail(string User, string DeliveryId, ImmutableArray<byte> Message) : IMailboxCommand;

public sealed record MailStored(string DeliveryId, string Uid) : IMailboxSerializable;

/// <summary>The inbox is at <c>mail.mailbox.max-messages</c> or <c>max-bytes</c>; nothing was stored. Try again later.</summary>
public sealed record MailboxFull(string DeliveryId, string Reason) : IMailboxSerializable;

/// <summary>Nothing was stored: the journal failed, or the user has no mailbox. Try again later.</summary>
public sealed record DeliveryFailed(string DeliveryId, string Reason) : IMailboxSerializable;

/// <summary>Asks how full the mailbox is and who holds its POP3 lock (only what is stored is counted).</summary>
public sealed record GetMailboxStatus(string User) : IMailboxCommand;

/// <param name="LockedBy">The POP3 session holding the maildrop lock, or null.</param>
public sealed record MailboxStatus(string User, int Messages, long Bytes, int PendingJobs, int Jobs, string? LockedBy) : IMailboxSerializable;

/// <summary>Starts the mailbox (recovery offers its queued jobs again). Sent for every configured user when a node starts. No reply.</summary>
public sealed record WakeMailbox(string User) : IMailboxCommand;

/// <summary>A command for a user who is not in <c>gateway.users</c> has no mailbox; this is the answer to queries and lock requests.</summary>
public sealed record NoSuchMailbox(string User) : IMailboxSerializable;

/// <summary>Key for the mailbox shard region in Akka.Hosting's ActorRegistry.</summary>
public sealed class MailboxRegion;

/// <summary>
/// Key in Akka.Hosting's ActorRegistry for whatever takes outgoing jobs from the mailboxes (the
/// SMS router; until it exists the host registers a placeholder that only logs the jobs).
/// </summary>
public sealed class OutgoingJobConsumer;
