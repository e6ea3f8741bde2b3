using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Persistence;
using Gateway.Configuration;

namespace Gateway.Mailbox;

/// <summary>
/// One user's mailbox, a persistent entity sharded by the user's short name (persistence id
/// <c>mailbox-&lt;user&gt;</c>). It stores incoming SMS and gateway mail as e-mails, the user's
/// outgoing SMS jobs with their history, and holds the POP3 maildrop lock. A thin shell: every
/// decision is a function of <see cref="MailboxState"/>.
/// <para>
/// Writes use <c>PersistAsync</c>, so requests that arrive together (ten SMTP sessions of one
/// user, a burst of SMS) share one journal write, while each reply still goes out only after its
/// own event is stored. To decide later requests correctly while earlier events are still being
/// written, the actor keeps two states: <c>_state</c> (everything decided, used for decisions) and
/// <c>_stored</c> (what the journal holds, used for answers, listings and snapshots). A failed or
/// rejected write refuses every request still waiting and stops the actor; the next message
/// recovers it from the journal, so a decision never outlives a failed write.
/// </para>
/// <para>
/// Housekeeping: a snapshot of <c>_stored</c> every <c>snapshot-every</c> events; once saved, the
/// journal up to it and older snapshots are deleted. Queued jobs are offered to the outgoing-job
/// consumer after they are stored, after recovery, and every <c>job-reoffer-after</c> until taken.
/// An idle mailbox (unlocked, nothing queued, nothing being written) asks its shard to passivate it.
/// </para>
/// </summary>
public sealed class MailboxActor : ReceivePersistentActor, IWithTimers
{
    /// <summary>The periodic check for queued jobs nobody has taken.</summary>
    private sealed class ReofferJobs : INotInfluenceReceiveTimeout
    {
        public static readonly ReofferJobs Instance = new();
    }

    /// <summary>
    /// Stops the mailbox once every write under way is stored and answered. The shard sends it
    /// when passivating and when handing the mailbox to another node (a PoisonPill there could
    /// drop replies to writes that did happen, and SMTP would then answer 451 for stored mail).
    /// </summary>
    public sealed class StopMailbox
    {
        public static readonly StopMailbox Instance = new();
    }

    private sealed record MaildropLock(IActorRef Holder, string SessionId);

    private sealed record PendingReply(IActorRef ReplyTo, object Refusal);

    private const string ReofferTimer = "reoffer-jobs";

    private readonly UserSettings _user;
    private readonly MailSettings _mail;
    private readonly MailboxSettings _limits;
    private readonly IActorRef _jobConsumer;
    private readonly TimeProvider _time;
    private readonly bool _persistAsync;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private MailboxState _state = MailboxState.Empty;
    private MailboxState _stored = MailboxState.Empty;
    private readonly Queue<PendingReply> _pending = new();
    private readonly Dictionary<string, DateTimeOffset> _offeredAt = new(StringComparer.Ordinal);
    private MaildropLock? _lock;
    private int _eventsSinceSnapshot;
    private bool _snapshotting;

    public ITimerScheduler Timers { get; set; } = null!;

    public override string PersistenceId { get; }

    private string User => _user.Name;

    /// <param name="jobConsumer">Where <see cref="OutgoingJobQueued"/> goes (the SMS router).</param>
    /// <param name="persistAsync">false = one journal write per event (kept for the benchmark that compares the two).</param>
    public static Props Props(UserSettings user, MailSettings mail, IActorRef jobConsumer, TimeProvider? time = null, bool persistAsync = true) =>
        Akka.Actor.Props.Create(() => new MailboxActor(user, mail, jobConsumer, time ?? TimeProvider.System, persistAsync));

    public static string PersistenceIdFor(string user) => "mailbox-" + user;

    public MailboxActor(UserSettings user, MailSettings mail, IActorRef jobConsumer, TimeProvider time, bool persistAsync)
    {
        _user = user;
        _mail = mail;
        _limits = mail.Mailbox;
        _jobConsumer = jobConsumer;
        _time = time;
        _persistAsync = persistAsync;
        PersistenceId = PersistenceIdFor(user.Name);

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is MailboxState s) _state = _stored = s;
        });
        Recover<IMailboxEvent>(e => _state = _stored = _state.Apply(e, _limits.MaxFinishedJobs));
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<DeliverSms>(OnDeliverSms);
        Command<DeliverMail>(OnDeliverMail);
        Command<SubmitOutgoing>(OnSubmitOutgoing);
        Command<RecordJobProgress>(OnRecordJobProgress);
        Command<GetOutgoingJobs>(_ => Sender.Tell(new OutgoingJobsResult(User, _stored.JobsInOrder())));
        Command<GetMailboxStatus>(_ => Sender.Tell(new MailboxStatus(User, _stored.Inbox.Count, _stored.InboxBytes,
            _stored.PendingJobs, _stored.Jobs.Count, _lock?.SessionId)));
        Command<WakeMailbox>(_ => { });

        Command<LockMaildrop>(OnLockMaildrop);
        Command<FetchMessages>(OnFetchMessages);
        Command<CommitDeletions>(OnCommitDeletions);
        Command<ReleaseMaildrop>(_ =>
        {
            if (IsLockHolder(Sender)) ReleaseLock("released");
        });
        Command<Terminated>(t =>
        {
            if (_lock?.Holder.Equals(t.ActorRef) == true) ReleaseLock("holder stopped");
        });

        Command<ReofferJobs>(_ => OfferDueJobs());
        Command<ReceiveTimeout>(_ => PassivateIfIdle());
        Command<StopMailbox>(_ =>
        {
            if (_pending.Count == 0) Context.Stop(Self);
            else DeferAsync(StopMailbox.Instance, _ => Context.Stop(Self));
        });

        Command<SaveSnapshotSuccess>(s =>
        {
            _snapshotting = false;
            _log.Debug("mailbox {0}: snapshot at {1}; deleting the journal up to it", User, s.Metadata.SequenceNr);
            DeleteMessages(s.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(f =>
        {
            _snapshotting = false;
            _log.Warning("mailbox {0}: snapshot at {1} failed ({2}); the journal is kept and the next snapshot is tried after {3} more events",
                User, f.Metadata.SequenceNr, f.Cause.Message, _limits.SnapshotEvery);
        });
        Command<DeleteMessagesSuccess>(s => _log.Debug("mailbox {0}: journal deleted up to {1}", User, s.ToSequenceNr));
        Command<DeleteMessagesFailure>(f =>
            _log.Warning("mailbox {0}: deleting the journal up to {1} failed ({2}); recovery replays more events until the next snapshot",
                User, f.ToSequenceNr, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning("mailbox {0}: deleting old snapshots failed ({1})", User, f.Cause.Message));
    }

    // ------------------------------------------------------------------ inbox

    private void OnDeliverSms(DeliverSms c)
    {
        if (RepeatedDelivery(c.DeliveryId, uid => new SmsStored(c.DeliveryId, uid))) return;
        ImmutableArray<byte> content;
        try
        {
            content = IncomingSmsComposer.Compose(c.Sms, _user, _mail.Domain, _mail.Incoming.Subject,
                IncomingSmsComposer.MessageIdFor(User, c.DeliveryId, _mail.Domain));
        }
        catch (Exception e)
        {
            _log.Error(e, "mailbox {0}: could not write SMS {1} from {2} as an e-mail; it stays on the SIM", User, c.DeliveryId, c.Sms.Sender);
            Sender.Tell(new DeliveryFailed(c.DeliveryId, $"could not write the SMS as an e-mail: {e.Message}"));
            return;
        }
        Deliver(c.DeliveryId, content, uid => new SmsStored(c.DeliveryId, uid), $"SMS {c.DeliveryId} from {c.Sms.Sender} (module {c.Sms.Module})");
    }

    private void OnDeliverMail(DeliverMail c)
    {
        if (RepeatedDelivery(c.DeliveryId, uid => new MailStored(c.DeliveryId, uid))) return;
        if (c.Message.IsDefaultOrEmpty)
        {
            Sender.Tell(new DeliveryFailed(c.DeliveryId, "the message is empty"));
            return;
        }
        Deliver(c.DeliveryId, MessageBytes.NormalizeLineEndings(c.Message.AsSpan()), uid => new MailStored(c.DeliveryId, uid),
            $"gateway mail {c.DeliveryId}");
    }

    /// <summary>A re-offer of something already stored is answered with the first copy's uid (once that copy is in the journal).</summary>
    private bool RepeatedDelivery(string deliveryId, Func<string, object> stored)
    {
        if (!_state.DeliveryIds.TryGetValue(deliveryId, out var uid)) return false;
        _log.Debug("mailbox {0}: delivery {1} is already stored as {2}", User, deliveryId, uid);
        ReplyOnceStored(Sender, stored(uid));
        return true;
    }

    private void Deliver(string deliveryId, ImmutableArray<byte> content, Func<string, object> stored, string what)
    {
        var replyTo = Sender;
        switch (_state.DecideDelivery(deliveryId, content, _time.GetUtcNow(), _limits))
        {
            case DeliveryDecision.AlreadyStored a:
                ReplyOnceStored(replyTo, stored(a.Uid));
                break;
            case DeliveryDecision.Full full:
                _log.Warning("mailbox {0} is full: {1}. {2} waits until the user deletes mail", User, full.Reason, what);
                replyTo.Tell(new MailboxFull(deliveryId, full.Reason));
                break;
            case DeliveryDecision.Store s:
                Store(s.Event, replyTo, new DeliveryFailed(deliveryId, "the mailbox could not store it (journal failure)"), e =>
                {
                    _log.Debug("mailbox {0}: stored {1} as {2} ({3} bytes)", User, what, e.Message.Uid, e.Message.Size);
                    replyTo.Tell(stored(e.Message.Uid));
                });
                break;
        }
    }

    // ------------------------------------------------------------------ outgoing jobs

    private void OnSubmitOutgoing(SubmitOutgoing c)
    {
        var replyTo = Sender;
        switch (_state.DecideSubmission(c, User, _limits))
        {
            case SubmissionDecision.AlreadyAccepted a:
                ReplyOnceStored(replyTo, new OutgoingAccepted(c.SubmissionId, a.JobIds));
                break;
            case SubmissionDecision.Refused r:
                _log.Warning("mailbox {0}: submission {1} refused: {2}", User, c.SubmissionId, r.Reason);
                replyTo.Tell(new OutgoingRefused(c.SubmissionId, r.Reason));
                break;
            case SubmissionDecision.Accept a:
                Store(a.Event, replyTo, new OutgoingRefused(c.SubmissionId, "the mailbox could not store the jobs (journal failure)"), e =>
                {
                    replyTo.Tell(new OutgoingAccepted(e.SubmissionId, e.Jobs.Select(j => j.JobId).ToImmutableArray()));
                    foreach (var job in e.Jobs) Offer(job);
                });
                break;
        }
    }

    private void OnRecordJobProgress(RecordJobProgress c)
    {
        var replyTo = Sender;
        switch (_state.DecideProgress(c.JobId, c.Status))
        {
            case ProgressDecision.Unchanged u:
                ReplyOnceStored(replyTo, new JobProgressRecorded(c.JobId, u.State));
                break;
            case ProgressDecision.Refused r:
                _log.Warning("mailbox {0}: progress of job {1} refused: {2}", User, c.JobId, r.Reason);
                replyTo.Tell(new JobProgressRefused(c.JobId, r.Reason));
                break;
            case ProgressDecision.Record p:
                Store(p.Event, replyTo, new JobProgressRefused(c.JobId, "the mailbox could not store it (journal failure)"), e =>
                {
                    _log.Debug("mailbox {0}: job {1} {2}", User, e.JobId, e.Status);
                    if (e.Status.State != JobState.Queued) _offeredAt.Remove(e.JobId);
                    replyTo.Tell(new JobProgressRecorded(e.JobId, e.Status.State));
                });
                break;
        }
    }

    private void Offer(OutgoingSms job)
    {
        _offeredAt[job.JobId] = _time.GetUtcNow();
        _jobConsumer.Tell(new OutgoingJobQueued(job));
    }

    private void OfferDueJobs()
    {
        var now = _time.GetUtcNow();
        foreach (var id in _offeredAt.Keys.Where(id => _stored.Jobs.GetValueOrDefault(id)?.Status.State != JobState.Queued).ToArray())
            _offeredAt.Remove(id);
        var due = _stored.QueuedJobs()
            .Where(job => !_offeredAt.TryGetValue(job.Job.JobId, out var at) || now - at >= _limits.JobReofferAfter)
            .ToArray();
        if (due.Length == 0) return;
        _log.Info("mailbox {0}: offering {1} queued job(s) again, nobody has taken them (oldest {2})", User, due.Length, due[0].Job.JobId);
        foreach (var job in due) Offer(job.Job);
    }

    // ------------------------------------------------------------------ POP3 maildrop lock

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

    // ------------------------------------------------------------------ persistence

    /// <summary>
    /// Decides <paramref name="e"/> now (so later requests see it) and writes it; <paramref name="onStored"/>
    /// runs once it is in the journal. If the write fails, <paramref name="refusal"/> goes to <paramref name="replyTo"/>.
    /// </summary>
    private void Store<TEvent>(TEvent e, IActorRef replyTo, object refusal, Action<TEvent> onStored) where TEvent : IMailboxEvent
    {
        _state = _state.Apply(e, _limits.MaxFinishedJobs);
        _pending.Enqueue(new PendingReply(replyTo, refusal));

        void Stored(TEvent stored)
        {
            _pending.Dequeue();
            _stored = _stored.Apply(stored, _limits.MaxFinishedJobs);
            onStored(stored);
            SnapshotIfDue();
        }

        if (_persistAsync) PersistAsync(e, Stored);
        else Persist(e, Stored);
    }

    /// <summary>Replies after every write already under way is stored: an answer must never get ahead of the journal.</summary>
    private void ReplyOnceStored(IActorRef replyTo, object reply)
    {
        if (_pending.Count == 0) replyTo.Tell(reply);
        else DeferAsync(reply, r => replyTo.Tell(r));
    }

    private void SnapshotIfDue()
    {
        if (++_eventsSinceSnapshot < _limits.SnapshotEvery || _snapshotting) return;
        _eventsSinceSnapshot = 0;
        _snapshotting = true;
        SaveSnapshot(_stored);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "mailbox {0}: journal write {1} ({2}) failed; refusing {3} waiting requests and restarting from the journal",
            User, sequenceNr, @event.GetType().Name, _pending.Count);
        RefuseWaiting();
        base.OnPersistFailure(cause, @event, sequenceNr); // stops the actor
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "mailbox {0}: journal refused event {1} ({2}); refusing {3} waiting requests and restarting from the journal",
            User, sequenceNr, @event.GetType().Name, _pending.Count);
        RefuseWaiting();
        Context.Stop(Self); // what was decided after the rejected event may depend on it
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _log.Error(reason, "mailbox {0}: recovery from the journal failed; the mailbox is unavailable until it succeeds", User);
        base.OnRecoveryFailure(reason, message);
    }

    private void RefuseWaiting()
    {
        while (_pending.TryDequeue(out var p)) p.ReplyTo.Tell(p.Refusal);
    }

    // ------------------------------------------------------------------ life cycle

    private void OnRecovered()
    {
        _log.Debug("mailbox {0}: recovered ({1} messages, {2} bytes, {3} pending jobs)", User, _state.Inbox.Count, _state.InboxBytes, _state.PendingJobs);
        foreach (var job in _stored.QueuedJobs()) Offer(job.Job);
        Timers.StartPeriodicTimer(ReofferTimer, ReofferJobs.Instance, Half(_limits.JobReofferAfter));
        Context.SetReceiveTimeout(_limits.PassivateAfter);
    }

    private void PassivateIfIdle()
    {
        if (_lock is not null || _pending.Count > 0 || _stored.QueuedJobs().Any()) return;
        _log.Debug("mailbox {0}: idle for {1}; passivating", User, _limits.PassivateAfter);
        Context.Parent.Tell(new Passivate(StopMailbox.Instance));
    }

    private static TimeSpan Half(TimeSpan t) => t > TimeSpan.FromMilliseconds(2) ? t / 2 : TimeSpan.FromMilliseconds(1);
}
