namespace Gateway.AutoClip;

// The messages of AutoCLIP: "this user wrote to this number through this module", so a reply
// from that number arriving on that module goes back to the user. Send them to the AutoCLIP
// region (ActorRegistry key AutoClipRegion); every request gets exactly one reply.

/// <summary>One AutoCLIP record: a reply from <see cref="Number"/> arriving on <see cref="Module"/> goes to <see cref="User"/>.</summary>
/// <param name="ExpiresAt">Null when records never expire (<c>autoclip.expires-after = 0</c>).</param>
public sealed record AutoClipRecord(string Number, string Module, string User, DateTimeOffset Created, DateTimeOffset LastUsed, DateTimeOffset? ExpiresAt);

/// <summary>
/// A user's SMS to <see cref="Number"/> (E.164) left through <see cref="Module"/>: create or
/// refresh the record; the latest sender owns it. Replies <see cref="AutoClipRecorded"/> once persisted.
/// </summary>
public sealed record RecordAutoClip(string Number, string Module, string User, DateTimeOffset SentAt);

public sealed record AutoClipRecorded(string Number, string Module);

/// <summary>Who gets a reply from <see cref="Number"/> that arrived on <see cref="Module"/>? Replies <see cref="ReplyOwner"/>.</summary>
public sealed record LookupReplyOwner(string Number, string Module);

/// <summary><see cref="User"/> is null when there is no live (unexpired) record.</summary>
public sealed record ReplyOwner(string Number, string Module, string? User);

/// <summary>
/// Which module did <see cref="User"/> last use to write to <see cref="Number"/> (a live record),
/// so the next SMS leaves there and the reply comes back where it can be matched? Replies <see cref="StickyModule"/>.
/// </summary>
public sealed record LookupStickyModule(string User, string Number);

/// <summary><see cref="Module"/> is null when there is no live record for (user, number).</summary>
public sealed record StickyModule(string User, string Number, string? Module);

/// <summary>Operators' query: records matching every given filter (number prefix, user, module), at most <see cref="Limit"/>.</summary>
public sealed record ListAutoClip(string? NumberPrefix, string? User, string? Module, int Limit = 1000);

public sealed record AutoClipList(IReadOnlyList<AutoClipRecord> Records, bool Truncated);

/// <summary>Operators' command: forget one record. Replies <see cref="AutoClipDeleted"/> once persisted.</summary>
public sealed record DeleteAutoClip(string Number, string Module);

public sealed record AutoClipDeleted(string Number, string Module, bool Existed);

/// <summary>Key for the AutoCLIP actor (or region) in Akka.Hosting's ActorRegistry.</summary>
public sealed class AutoClipRegion;
