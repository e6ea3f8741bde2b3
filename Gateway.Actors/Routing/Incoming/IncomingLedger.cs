using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace Gateway.Routing.Incoming;

/// <summary>
/// The node's persistent book of SMS that left a SIM without going to a mailbox: dropped by a
/// rule, matched by no rule (when there is no postmaster), or undecodable. The incoming router
/// writes the record here and deletes the SIM copy only after <see cref="SmsKept"/>, so such an
/// SMS is never lost silently. One per node (persistence id <c>incoming-ledger-&lt;node&gt;</c>):
/// the SIMs it records for are this node's. It holds the newest <c>routing.kept-records</c>; an
/// older one is forgotten with a log line that repeats it. Writes are <c>Persist</c> (a drop is
/// rare), with a snapshot every <see cref="SnapshotEvery"/> records and the journal before it
/// deleted. A failed write stops it (the host runs it under a back-off supervisor, which starts it
/// again from the journal).
/// </summary>
public sealed class IncomingLedger : ReceivePersistentActor
{
    /// <summary>Records between snapshots.</summary>
    public const int SnapshotEvery = 500;

    private readonly int _keep;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly LinkedList<KeptSms> _records = new();
    private readonly Dictionary<string, LinkedListNode<KeptSms>> _byDeliveryId = new(StringComparer.Ordinal);
    private int _sinceSnapshot;

    /// <summary>Who asked for the write under way (Persist writes one at a time), to refuse if it fails.</summary>
    private IActorRef _writingFor = ActorRefs.Nobody;

    public override string PersistenceId { get; }

    public static string PersistenceIdFor(string node) => "incoming-ledger-" + node;

    /// <param name="keep">Records held (<c>routing.kept-records</c>).</param>
    public static Props Props(string node, int keep) => Akka.Actor.Props.Create(() => new IncomingLedger(node, keep));

    public IncomingLedger(string node, int keep)
    {
        _keep = Math.Max(1, keep);
        PersistenceId = PersistenceIdFor(node);

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is not IncomingLedgerSnapshot s) return;
            _records.Clear();
            _byDeliveryId.Clear();
            foreach (var record in s.Records) Add(record, log: false);
        });
        Recover<KeptSms>(r => Add(r, log: false));
        Recover<RecoveryCompleted>(_ => _log.Debug("incoming ledger: {0} kept record(s)", _records.Count));

        Command<KeepSms>(OnKeep);
        Command<ListKeptSms>(q =>
        {
            var matching = _records.Reverse().Where(r => q.Reason is null || r.Reason == q.Reason).ToList();
            Sender.Tell(new KeptSmsList(matching.Take(Math.Clamp(q.Limit, 0, _keep)).ToArray(), matching.Count));
        });
        Command<SaveSnapshotSuccess>(s =>
        {
            DeleteMessages(s.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(f => _log.Warning("incoming ledger: snapshot failed ({0}); the journal is kept", f.Cause.Message));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.Warning("incoming ledger: deleting the journal up to {0} failed ({1})", f.ToSequenceNr, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning("incoming ledger: deleting old snapshots failed ({0})", f.Cause.Message));
    }

    private void OnKeep(KeepSms keep)
    {
        var record = keep.Record;
        if (_byDeliveryId.ContainsKey(record.DeliveryId))
        {
            _log.Debug("incoming ledger: {0} is already kept", record.DeliveryId);
            Sender.Tell(new SmsKept(record.DeliveryId));
            return;
        }
        var replyTo = _writingFor = Sender;
        Persist(record, stored =>
        {
            Add(stored, log: true);
            replyTo.Tell(new SmsKept(stored.DeliveryId));
            if (++_sinceSnapshot >= SnapshotEvery)
            {
                _sinceSnapshot = 0;
                SaveSnapshot(new IncomingLedgerSnapshot([.. _records]));
            }
        });
    }

    private void Add(KeptSms record, bool log)
    {
        if (_byDeliveryId.ContainsKey(record.DeliveryId)) return;
        _byDeliveryId[record.DeliveryId] = _records.AddLast(record);
        while (_records.Count > _keep)
        {
            var oldest = _records.First!.Value;
            _records.RemoveFirst();
            _byDeliveryId.Remove(oldest.DeliveryId);
            if (log)
                _log.Info($"incoming ledger: holding {_keep} records, the most it keeps (routing.kept-records); forgetting the oldest: " +
                          $"{oldest.Reason} {oldest.DeliveryId} from {oldest.Sender ?? "?"} on {oldest.Module} at {oldest.KeptAt:u}: \"{oldest.Text ?? oldest.PduHex}\"");
        }
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "incoming ledger: writing a record failed; the SMS stays on its SIM and is tried again");
        if (@event is KeptSms k) _writingFor.Tell(new SmsNotKept(k.DeliveryId, "the journal could not store the record"));
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnPersistRejected(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "incoming ledger: the journal refused a record; the SMS stays on its SIM and is tried again");
        if (@event is KeptSms k) _writingFor.Tell(new SmsNotKept(k.DeliveryId, "the journal refused the record"));
        base.OnPersistRejected(cause, @event, sequenceNr);
    }
}
