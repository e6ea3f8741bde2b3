using System.Collections.Immutable;

namespace Gateway.Mailbox;

// The POP3 side of the mailbox: an exclusive lock per user, held by one mail session (the sender
// of LockMaildrop). The mailbox watches the holder, so a session that dies releases the lock;
// locks are kept in memory only and survive nothing (a restarted mailbox starts unlocked).
// The session gets the listing once, at lock time (RFC 1939: the maildrop does not change under a
// session), and fetches contents in batches, so a RETR rarely costs a round trip to the mailbox.

/// <summary>
/// Asks for the exclusive maildrop lock for the sender. Replies <see cref="MaildropLocked"/> with
/// the listing of stored messages, <see cref="MaildropInUse"/>, or <see cref="NoSuchMailbox"/>.
/// A holder asking again gets a fresh listing.
/// </summary>
/// <param name="SessionId">The session's name for logs (e.g. <c>pop3-17 127.0.0.1:50412</c>).</param>
public sealed record LockMaildrop(string User, string SessionId) : IMailboxCommand;

/// <summary>One message of a locked maildrop: its mailbox number (for fetching), POP3 unique id and size in octets.</summary>
public sealed record MaildropEntry(long Number, string Uid, int Size);

/// <summary>The lock is the sender's; <see cref="Messages"/> lists the stored messages, oldest first.</summary>
public sealed record MaildropLocked(string User, ImmutableArray<MaildropEntry> Messages) : IMailboxSerializable;

/// <summary>Another session holds the lock (<see cref="HeldBy"/> is its name).</summary>
public sealed record MaildropInUse(string User, string HeldBy) : IMailboxSerializable;

/// <summary>Asks for the contents of messages by number; only the lock holder may. Replies <see cref="MessagesFetched"/> or <see cref="MaildropNotLocked"/>.</summary>
public sealed record FetchMessages(string User, ImmutableArray<long> Numbers) : IMailboxCommand;

public sealed record FetchedMessage(long Number, ImmutableArray<byte> Content);

/// <summary>The contents asked for, in the order asked; a number no longer in the mailbox is left out.</summary>
public sealed record MessagesFetched(string User, ImmutableArray<FetchedMessage> Messages) : IMailboxSerializable;

/// <summary>
/// POP3 UPDATE: deletes these messages and releases the lock. Replies
/// <see cref="DeletionsCommitted"/> only once the deletion is in the journal (the session may then
/// answer <c>+OK</c> to QUIT), else <see cref="CommitFailed"/> or <see cref="MaildropNotLocked"/>.
/// </summary>
public sealed record CommitDeletions(string User, ImmutableArray<long> Numbers) : IMailboxCommand;

public sealed record DeletionsCommitted(string User, int Deleted) : IMailboxSerializable;

public sealed record CommitFailed(string User, string Reason) : IMailboxSerializable;

/// <summary>The sender does not hold the lock (it was released, or the mailbox restarted); nothing was done.</summary>
public sealed record MaildropNotLocked(string User) : IMailboxSerializable;

/// <summary>Releases the sender's lock without deleting anything (QUIT with nothing marked, or a dropped connection). No reply.</summary>
public sealed record ReleaseMaildrop(string User) : IMailboxCommand;
