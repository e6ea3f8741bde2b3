namespace Gateway.AutoClip;

// The messages of AutoCLIP: "this user wrote to this number through this module", so a reply
// from that number arriving on that module goes back to the user. Send them to the AutoCLIP
// front (ActorRegistry key AutoClipRegion); every request gets exactly one reply.

/// <summary>
/// Marks every type AutoCLIP writes to the journal or sends across the cluster; they are all bound
/// to <see cref="AutoClipSerializer"/> (compact binary), never to a reflection-based default.
/// </summary>
public interface IAutoClipSerializable;

/// <summary>One AutoCLIP record: a reply from <see cref="Number"/> arriving on <see cref="Module"/> goes to <see cref="User"/>.</summary>
/// <param name="Created">When this user's record was made (a takeover by another user starts a new record).</param>
/// <param name="LastUsed">The user's latest send to the number through the module.</param>
/// <param name="ExpiresAt">Null when records never expire (<c>autoclip.expires-after = 0</c>).</param>
public sealed record AutoClipRecord(string Number, string Module, string User, DateTimeOffset Created, DateTimeOffset LastUsed, DateTimeOffset? ExpiresAt);

/// <summary>
/// A user's SMS to <see cref="Number"/> (E.164) left through <see cref="Module"/>: create or
/// refresh the record; the latest sender owns it. Replies <see cref="AutoClipRecorded"/> once
/// persisted, or <see cref="AutoClipRefused"/> when the number is not E.164.
/// </summary>
public sealed record RecordAutoClip(string Number, string Module, string User, DateTimeOffset SentAt) : IAutoClipSerializable;

public sealed record AutoClipRecorded(string Number, string Module) : IAutoClipSerializable;

/// <summary>Nothing was recorded: the number is not E.164, or a name is empty (<see cref="Reason"/> says which).</summary>
public sealed record AutoClipRefused(string Number, string Module, string Reason) : IAutoClipSerializable;

/// <summary>Who gets a reply from <see cref="Number"/> that arrived on <see cref="Module"/>? Replies <see cref="ReplyOwner"/>.</summary>
public sealed record LookupReplyOwner(string Number, string Module) : IAutoClipSerializable;

/// <summary><see cref="User"/> is null when there is no live (unexpired) record.</summary>
public sealed record ReplyOwner(string Number, string Module, string? User) : IAutoClipSerializable;

/// <summary>
/// Which module did <see cref="User"/> last use to write to <see cref="Number"/> (a live record),
/// so the next SMS leaves there and the reply comes back where it can be matched? Replies <see cref="StickyModule"/>.
/// </summary>
public sealed record LookupStickyModule(string User, string Number) : IAutoClipSerializable;

/// <summary><see cref="Module"/> is null when there is no live record for (user, number).</summary>
public sealed record StickyModule(string User, string Number, string? Module) : IAutoClipSerializable;

/// <summary>
/// Operators' query: live records matching every given filter (number prefix such as <c>+420777</c>,
/// user, module), the first <see cref="Limit"/> by number (at most <see cref="MaxLimit"/>).
/// </summary>
public sealed record ListAutoClip(string? NumberPrefix, string? User, string? Module, int Limit = 1000) : IAutoClipSerializable
{
    /// <summary>The most records one query returns.</summary>
    public const int MaxLimit = 10_000;
}

/// <param name="Truncated">More records matched than were returned.</param>
/// <param name="BucketsUnanswered">Parts of the store that did not answer in time (0 = the list is complete up to the limit).</param>
/// <param name="Matched">How many live records matched in all (in the parts that answered), however many were returned.</param>
public sealed record AutoClipList(IReadOnlyList<AutoClipRecord> Records, bool Truncated, int BucketsUnanswered = 0, int Matched = 0) : IAutoClipSerializable;

/// <summary>Operators' command: forget one record. Replies <see cref="AutoClipDeleted"/> once persisted.</summary>
public sealed record DeleteAutoClip(string Number, string Module) : IAutoClipSerializable;

public sealed record AutoClipDeleted(string Number, string Module, bool Existed) : IAutoClipSerializable;

/// <summary>Key for the AutoCLIP front actor in Akka.Hosting's ActorRegistry.</summary>
public sealed class AutoClipRegion;
