using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Gateway.Configuration;

namespace Gateway.AutoClip;

/// <summary>
/// One bucket of the AutoCLIP table: the records of the numbers that hash to it
/// (<see cref="AutoClipNumber.Bucket"/>), a persistent entity under cluster sharding (persistence id
/// <c>autoclip-&lt;bucket&gt;</c>). A thin shell over <see cref="AutoClipStore"/>.
/// <para>
/// Writes use <c>PersistAsync</c> (a burst of sends shares journal writes); every change is made
/// in the store when it is decided, and its reply goes out once its event is stored. Reads are
/// answered from the store, but never ahead of a write still under way (they wait behind it), so
/// no answer depends on something the journal might not keep. A failed write refuses what waits
/// and stops the bucket; the next message recovers it from the journal.
/// </para>
/// <para>
/// Expiry: one timer per bucket, set for the record that expires next (at most an hour ahead, so a
/// clock change is noticed); when it fires, the expired records are forgotten in events of up to
/// <see cref="MaxKeysPerExpiry"/> keys. Lookups treat a record past its expiry as gone even before
/// the timer has run. Housekeeping: a snapshot every <c>autoclip.snapshot-every</c> events, then the
/// journal up to it and older snapshots are deleted, so recovery reads one snapshot and a short tail.
/// </para>
/// </summary>
public sealed class AutoClipBucket : ReceivePersistentActor, IWithTimers
{
    /// <summary>Most keys in one expiry event.</summary>
    public const int MaxKeysPerExpiry = 2000;

    /// <summary>Longest the expiry timer is set ahead; it is set again then.</summary>
    private static readonly TimeSpan MaxTimerDelay = TimeSpan.FromHours(1);

    private const string ExpiryTimer = "expiry";

    /// <summary>Timer (and test) signal: forget the records that have expired by now.</summary>
    internal sealed class CheckExpiry
    {
        public static readonly CheckExpiry Instance = new();
    }

    /// <summary>
    /// Stops the bucket once every write under way is stored and answered; the shard sends it when
    /// handing the bucket to another node.
    /// </summary>
    public sealed class StopBucket
    {
        public static readonly StopBucket Instance = new();
    }

    private sealed record PendingReply(IActorRef ReplyTo, object Refusal);

    private readonly int _bucket;
    private readonly AutoClipSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Queue<PendingReply> _pending = new();
    private readonly Stopwatch _recovery = Stopwatch.StartNew();
    private AutoClipStore _store;
    private long? _timerFor;
    private int _eventsSinceSnapshot;
    private bool _snapshotting;

    public ITimerScheduler Timers { get; set; } = null!;

    public override string PersistenceId { get; }

    public static string PersistenceIdFor(int bucket) => "autoclip-" + bucket.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static Props Props(int bucket, AutoClipSettings settings, TimeProvider? time = null) =>
        Akka.Actor.Props.Create(() => new AutoClipBucket(bucket, settings, time ?? TimeProvider.System));

    public AutoClipBucket(int bucket, AutoClipSettings settings, TimeProvider time)
    {
        _bucket = bucket;
        _settings = settings;
        _time = time;
        _store = NewStore();
        PersistenceId = PersistenceIdFor(bucket);

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is AutoClipSnapshot s)
            {
                _store = AutoClipStore.ImportSnapshot(s.Data.AsSpan(), settings.ExpiresAfter);
                _store.SuspendIndexing();
            }
        });
        Recover<IAutoClipEvent>(Apply);
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<RecordAutoClip>(OnRecord);
        Command<LookupReplyOwner>(l => ReplyAfterWrites(Sender, new ReplyOwner(l.Number, l.Module,
            AutoClipNumber.TryParse(l.Number, out var n) ? _store.OwnerOf(n, l.Module, NowMs) : null)));
        Command<LookupStickyModule>(l => ReplyAfterWrites(Sender, new StickyModule(l.User, l.Number,
            AutoClipNumber.TryParse(l.Number, out var n) ? _store.StickyModuleOf(n, l.User, NowMs) : null)));
        Command<DeleteAutoClip>(OnDelete);
        Command<ListAutoClipBucket>(l =>
        {
            var (records, truncated, matched) = _store.Query(l.Query.NumberPrefix, l.Query.User, l.Query.Module,
                Math.Clamp(l.Query.Limit, 0, ListAutoClip.MaxLimit), NowMs);
            ReplyAfterWrites(Sender, new AutoClipList(records, truncated, 0, matched));
        });
        Command<WakeAutoClipBucket>(_ => { });
        Command<CheckExpiry>(_ =>
        {
            _timerFor = null;
            ExpireDue();
            ScheduleExpiry();
        });
        Command<StopBucket>(_ =>
        {
            if (_pending.Count == 0) Context.Stop(Self);
            else DeferAsync(StopBucket.Instance, _ => Context.Stop(Self));
        });

        Command<SaveSnapshotSuccess>(s =>
        {
            _snapshotting = false;
            _log.Debug("autoclip bucket {0}: snapshot at {1} ({2} records); deleting the journal up to it", _bucket, s.Metadata.SequenceNr, _store.Count);
            DeleteMessages(s.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
            // Writes that came while this snapshot was saved may already call for the next one.
            if (_eventsSinceSnapshot >= _settings.SnapshotEvery) TakeSnapshot();
        });
        Command<SaveSnapshotFailure>(f =>
        {
            _snapshotting = false;
            _log.Warning("autoclip bucket {0}: snapshot at {1} failed ({2}); the journal is kept and a snapshot is tried again after {3} more events",
                _bucket, f.Metadata.SequenceNr, f.Cause.Message, _settings.SnapshotEvery);
        });
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f =>
            _log.Warning("autoclip bucket {0}: deleting the journal up to {1} failed ({2}); recovery replays more events until the next snapshot",
                _bucket, f.ToSequenceNr, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning("autoclip bucket {0}: deleting old snapshots failed ({1})", _bucket, f.Cause.Message));
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private AutoClipStore NewStore()
    {
        var store = new AutoClipStore(_settings.ExpiresAfter);
        store.SuspendIndexing();
        return store;
    }

    // ------------------------------------------------------------------ commands

    private void OnRecord(RecordAutoClip c)
    {
        if (!AutoClipNumber.TryParse(c.Number, out var number))
        {
            Sender.Tell(new AutoClipRefused(c.Number, c.Module, $"\"{c.Number}\" is not an E.164 number"));
            return;
        }
        if (string.IsNullOrEmpty(c.Module) || string.IsNullOrEmpty(c.User))
        {
            Sender.Tell(new AutoClipRefused(c.Number, c.Module, "the module and the user must be named"));
            return;
        }
        var at = c.SentAt.ToUnixTimeMilliseconds();
        switch (_store.Record(number, c.Module, c.User, at))
        {
            case RecordChange.TooManyModules:
                Sender.Tell(new AutoClipRefused(c.Number, c.Module, $"this AutoCLIP bucket already knows {AutoClipStore.MaxModules} modules"));
                return;
            case RecordChange.Unchanged:
                ReplyAfterWrites(Sender, new AutoClipRecorded(c.Number, c.Module));
                return;
            case var change:
                if (change == RecordChange.TakenOver)
                    _log.Info("autoclip: {0} via {1} now belongs to {2} (the latest sender)", c.Number, c.Module, c.User);
                Write(new AutoClipWritten(number, c.Module, c.User, at), Sender, new AutoClipRefused(c.Number, c.Module, "the journal could not store it"),
                    replyTo => replyTo.Tell(new AutoClipRecorded(c.Number, c.Module)));
                ScheduleExpiry();
                return;
        }
    }

    private void OnDelete(DeleteAutoClip c)
    {
        if (!AutoClipNumber.TryParse(c.Number, out var number) || !_store.Erase(number, c.Module))
        {
            ReplyAfterWrites(Sender, new AutoClipDeleted(c.Number, c.Module, false));
            return;
        }
        _log.Info("autoclip: {0} via {1} deleted by an operator", c.Number, c.Module);
        Write(new AutoClipErased(number, c.Module, NowMs), Sender, new Status.Failure(new IOException("the journal could not store the deletion")),
            replyTo => replyTo.Tell(new AutoClipDeleted(c.Number, c.Module, true)));
    }

    private void ExpireDue()
    {
        var now = NowMs;
        var total = 0;
        while (true)
        {
            var due = _store.TakeDue(now, MaxKeysPerExpiry);
            if (due.Count == 0) break;
            _store.Expire(due);
            total += due.Count;
            Write(new AutoClipsExpired([.. due.Select(k => new AutoClipKey(k.Number, k.Module))], now), ActorRefs.Nobody, null, _ => { });
        }
        if (total > 0) _log.Debug("autoclip bucket {0}: {1} record(s) expired; {2} live", _bucket, total, _store.Count);
    }

    // ------------------------------------------------------------------ persistence

    /// <summary>Writes an event whose change is already in the store; <paramref name="onStored"/> runs once it is in the journal.</summary>
    private void Write(IAutoClipEvent e, IActorRef replyTo, object? refusal, Action<IActorRef> onStored)
    {
        _pending.Enqueue(new PendingReply(replyTo, refusal ?? NoReply.Instance));
        PersistAsync(e, _ =>
        {
            _pending.Dequeue();
            onStored(replyTo);
            SnapshotIfDue();
        });
    }

    /// <summary>Replies once every write under way is stored: an answer never gets ahead of the journal.</summary>
    private void ReplyAfterWrites(IActorRef replyTo, object reply)
    {
        if (_pending.Count == 0) replyTo.Tell(reply);
        else DeferAsync(reply, r => replyTo.Tell(r));
    }

    /// <summary>
    /// A snapshot is taken in a write's handler, so it may already hold changes whose events are
    /// still being written (they come after its sequence number). Replaying those events over it is
    /// harmless: a record event with a time not after the record's is a no-op, deleting a missing
    /// record is a no-op, and each key ends as its last events say (a property test checks this).
    /// </summary>
    private void SnapshotIfDue()
    {
        if (++_eventsSinceSnapshot < _settings.SnapshotEvery || _snapshotting) return;
        TakeSnapshot();
    }

    private void TakeSnapshot()
    {
        _eventsSinceSnapshot = 0;
        _snapshotting = true;
        SaveSnapshot(new AutoClipSnapshot([.. _store.ExportSnapshot()]));
    }

    private void Apply(IAutoClipEvent e)
    {
        switch (e)
        {
            case AutoClipWritten w: _store.Record(w.Number, w.Module, w.User, w.AtMs); break;
            case AutoClipsExpired x: _store.Expire(x.Keys.Select(k => (k.Number, k.Module))); break;
            case AutoClipErased d: _store.Erase(d.Number, d.Module); break;
        }
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "autoclip bucket {0}: journal write {1} ({2}) failed; refusing {3} waiting requests and recovering from the journal",
            _bucket, sequenceNr, @event.GetType().Name, _pending.Count);
        RefuseWaiting();
        base.OnPersistFailure(cause, @event, sequenceNr); // stops the actor
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "autoclip bucket {0}: journal refused event {1} ({2}); refusing {3} waiting requests and recovering from the journal",
            _bucket, sequenceNr, @event.GetType().Name, _pending.Count);
        RefuseWaiting();
        Context.Stop(Self); // what was decided after the rejected event may depend on it
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _log.Error(reason, "autoclip bucket {0}: recovery from the journal failed; its records are unavailable until it succeeds", _bucket);
        base.OnRecoveryFailure(reason, message);
    }

    private void RefuseWaiting()
    {
        while (_pending.TryDequeue(out var p))
            if (p.Refusal is not NoReply) p.ReplyTo.Tell(p.Refusal);
    }

    // ------------------------------------------------------------------ life cycle

    private void OnRecovered()
    {
        _store.RebuildExpiryIndex();
        _log.Debug("autoclip bucket {0}: recovered {1} record(s) in {2} ms", _bucket, _store.Count, _recovery.ElapsedMilliseconds);
        ExpireDue();
        ScheduleExpiry();
    }

    /// <summary>Sets the expiry timer for the next record to expire, unless it is already set for that time or earlier.</summary>
    private void ScheduleExpiry()
    {
        if (_store.NextExpiryMs is not { } next)
        {
            if (_timerFor is not null) Timers.Cancel(ExpiryTimer);
            _timerFor = null;
            return;
        }
        if (_timerFor is { } scheduled && scheduled <= next) return;
        var delay = TimeSpan.FromMilliseconds(Math.Max(0, next - NowMs));
        if (delay > MaxTimerDelay) delay = MaxTimerDelay;
        Timers.StartSingleTimer(ExpiryTimer, CheckExpiry.Instance, delay);
        _timerFor = next;
    }

    private sealed class NoReply
    {
        public static readonly NoReply Instance = new();
    }
}
