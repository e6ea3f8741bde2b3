using System.Collections.Immutable;

namespace Gateway.Mailbox;

/// <summary>What the mailbox writes to its journal; <see cref="MailboxState.Apply"/> replays them.</summary>
public interface IMailboxEvent : IMailboxSerializable;

/// <summary>A message as the inbox holds it: raw RFC 5322 bytes with CRLF line endings.</summary>
/// <param name="Number">Unique within the mailbox, increasing; never reused.</param>
/// <param name="DeliveryId">The delivery it came from (for de-duplicating re-offers), if any.</param>
public sealed record InboxMessage(long Number, DateTimeOffset StoredAt, string? DeliveryId, ImmutableArray<byte> Content)
{
    /// <summary>
    /// The POP3 unique id: number and storage second. Stable for the message's life; a mailbox
    /// whose journal was wiped restarts numbering at a later second, so clients that keep mail on
    /// the server never mistake a new message for one they already have.
    /// </summary>
    public string Uid => UidOf(Number, StoredAt);

    public int Size => Content.Length;

    public static string UidOf(long number, DateTimeOffset storedAt) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{number}.{storedAt.ToUnixTimeSeconds()}");
}

public sealed record InboxMessageStored(InboxMessage Message) : IMailboxEvent;

/// <summary>POP3 UPDATE deleted these messages.</summary>
public sealed record InboxMessagesDeleted(ImmutableArray<long> Numbers) : IMailboxEvent;

/// <summary>The jobs of one e-mail were accepted together.</summary>
public sealed record OutgoingJobsAccepted(string SubmissionId, ImmutableArray<OutgoingSms> Jobs) : IMailboxEvent;

public sealed record JobProgressed(string JobId, JobStatus Status) : IMailboxEvent;
