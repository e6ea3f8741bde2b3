using System.Collections.Immutable;
using Gateway.Mailbox;

namespace Gateway.Mail.Pop3;

/// <summary>
/// A POP3 session's view of the locked maildrop: the listing taken at lock time, numbered 1..n
/// (RFC 1939: numbers do not change during the session), and the messages marked deleted, which
/// are only deleted when QUIT commits them. Immutable.
/// </summary>
public sealed record Maildrop(ImmutableArray<MaildropEntry> Messages, ImmutableHashSet<int> Deleted, long TotalSize, long DeletedSize)
{
    public static Maildrop Of(ImmutableArray<MaildropEntry> messages) =>
        new(messages, ImmutableHashSet<int>.Empty, messages.Sum(m => (long)m.Size), 0);

    /// <summary>Messages not marked deleted.</summary>
    public int Count => Messages.Length - Deleted.Count;

    /// <summary>Octets of the messages not marked deleted.</summary>
    public long Size => TotalSize - DeletedSize;

    /// <summary>The entry for message <paramref name="number"/>, or the <c>-ERR</c> text when there is none (or it is marked deleted).</summary>
    public bool TryGet(int number, out MaildropEntry entry, out string error)
    {
        entry = null!;
        error = "";
        if (number < 1 || number > Messages.Length)
        {
            error = $"no such message, only {Messages.Length} in the maildrop";
            return false;
        }
        if (Deleted.Contains(number))
        {
            error = $"message {number} is deleted";
            return false;
        }
        entry = Messages[number - 1];
        return true;
    }

    public Maildrop MarkDeleted(int number) =>
        Deleted.Contains(number) ? this : this with { Deleted = Deleted.Add(number), DeletedSize = DeletedSize + Messages[number - 1].Size };

    /// <summary>RSET: nothing is marked deleted any more.</summary>
    public Maildrop Reset() => this with { Deleted = ImmutableHashSet<int>.Empty, DeletedSize = 0 };

    /// <summary>The mailbox numbers of the messages marked deleted, for committing at QUIT.</summary>
    public ImmutableArray<long> DeletedNumbers() => Deleted.Order().Select(n => Messages[n - 1].Number).ToImmutableArray();

    /// <summary>Message numbers 1..n with their entries, skipping those marked deleted.</summary>
    public IEnumerable<(int Number, MaildropEntry Entry)> Live() =>
        Messages.Select((m, i) => (i + 1, m)).Where(p => !Deleted.Contains(p.Item1));
}
