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
/// consumer after they are stored, after recovery, and every <c>job-reoffer-after</c> until taken;
/// recovery also offers the jobs that were being sent (at-least-once sending across a crash).
/// An idle mailbox (unlocked, no job queued or being sent, nothing being written) asks its shard to passivate it.
/// </para>
/// <para>
/// Files: this one has the state, the wiring and the persistence housekeeping;
/// <c>MailboxActor.Inbox.cs</c>, <c>.Jobs.cs</c> and <c>.Maildrop.cs</c> handle the three kinds of request.
/// </para>
/// </summary>
public sealed partial class MailboxActor : ReceivePersistentActor, IWithTimers
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
            // Events that came while this snapshot was written may already call for the next one;
            // take it now rather than at the next event, which may be a long time coming.
            if (_eventsSinceSnapshot >= _limits.SnapshotEvery) TakeSnapshot();
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
        TakeSnapshot();
    }

    private void TakeSnapshot()
    {
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
        // Jobs that were being sent when the mailbox last stopped are offered too: the mailbox stays
        // up while any job is pending, so recovery means the node (and the send) went down with it.
        foreach (var job in _stored.PendingJobsInOrder()) Offer(job.Job);
        Timers.StartPeriodicTimer(ReofferTimer, ReofferJobs.Instance, Half(_limits.JobReofferAfter));
        Context.SetReceiveTimeout(_limits.PassivateAfter);
    }

    private void PassivateIfIdle()
    {
        if (_lock is not null || _pending.Count > 0 || _stored.PendingJobs > 0) return;
        _log.Debug("mailbox {0}: idle for {1}; passivating", User, _limits.PassivateAfter);
        Context.Parent.Tell(new Passivate(StopMailbox.Instance));
    }

    private static TimeSpan Half(TimeSpan t) => t > TimeSpan.FromMilliseconds(2) ? t / 2 : TimeSpan.FromMilliseconds(1);
}
