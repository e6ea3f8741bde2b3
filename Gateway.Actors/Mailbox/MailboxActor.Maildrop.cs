using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;

namespace Gateway.Mailbox;

// The POP3 maildrop: one lock holder, the listing at lock time, contents on request, deletions at QUIT.
public sealed partial class MailboxActor
{
    private bool IsLockHolder(IActorRef who) => _lock is { } l && l.Holder.Equals(who);

    private void OnLockMaildrop(LockMaildrop c)
    {
        if (_lock is { } held && !held.Holder.Equals(Sender))
        {
            _log.Info("mailbox {0}: POP3 lock refused to {1}, held by {2}", User, c.SessionId, held.SessionId);
            Sender.Tell(new MaildropInUse(User, held.SessionId));
            return;
        }
        if (_lock is null)
        {
            _lock = new MaildropLock(Sender, c.SessionId);
            Context.Watch(Sender);
        }
        // Only stored messages are listed, and none whose deletion is still being written.
        var listing = _stored.Listing().Where(e => _state.Inbox.ContainsKey(e.Number)).ToImmutableArray();
        _log.Debug("mailbox {0}: POP3 lock taken by {1} ({2} messages)", User, c.SessionId, listing.Length);
        Sender.Tell(new MaildropLocked(User, listing));
    }

    private void OnFetchMessages(FetchMessages c)
    {
        if (!IsLockHolder(Sender))
        {
            Sender.Tell(new MaildropNotLocked(User));
            return;
        }
        Sender.Tell(new MessagesFetched(User, _stored.Fetch(c.Numbers)));
    }

    private void OnCommitDeletions(CommitDeletions c)
    {
        var holder = Sender;
        if (!IsLockHolder(holder))
        {
            _log.Warning("mailbox {0}: deletions from a session without the lock refused; nothing deleted", User);
            holder.Tell(new MaildropNotLocked(User));
            return;
        }
        var deletion = _state.DecideDeletions(c.Numbers);
        if (deletion is null)
        {
            holder.Tell(new DeletionsCommitted(User, 0));
            ReleaseLock("committed");
            return;
        }
        Store(deletion, holder, new CommitFailed(User, "the mailbox could not store the deletion (journal failure)"), e =>
        {
            _log.Debug("mailbox {0}: {1} messages deleted over POP3", User, e.Numbers.Length);
            holder.Tell(new DeletionsCommitted(User, e.Numbers.Length));
            if (IsLockHolder(holder)) ReleaseLock("committed");
        });
    }

    private void ReleaseLock(string why)
    {
        if (_lock is null) return;
        _log.Debug("mailbox {0}: POP3 lock of {1} {2}", User, _lock.SessionId, why);
        Context.Unwatch(_lock.Holder);
        _lock = null;
    }
}
