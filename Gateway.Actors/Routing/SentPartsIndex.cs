using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Gateway.Configuration;
using Gateway.Modem;

namespace Gateway.Routing;

/// <summary>
/// The persistent index of one module's sent parts (persistence id <c>sent-parts-&lt;module&gt;</c>):
/// (TP-MR) → (user, job, part), written when a job's <c>SmsSent</c> arrives, so a status report is
/// matched even hours later and after a restart, when the module no longer knows whose part it was.
/// Bounded: TP-MR is 0–255 and a newer send replaces the older entry (<see cref="SentPartsLedger"/>).
/// <para>
/// A final report (delivered or failed) is stored first; when it decides the job (every part
/// delivered, or one part failed) the resolution is kept as owed and a
/// <see cref="JobOutcomeReporter"/> writes it to the mailbox (and the user's notice); once that is
/// acknowledged the debt is paid: at once in memory, and in the journal together with others (one
/// event per <see cref="PaidBatch"/> payments or per <see cref="PaidStoreAfter"/>, rather than one
/// per SMS). A restart redoes every resolution owed in the journal, so a crash before payments are
/// stored only writes those outcomes to their mailboxes again, which take them as already recorded. A report that
/// arrives before its parts are indexed (a fast network and a slow journal) waits up to
/// <c>ack-timeout</c> for them. Snapshot every <see cref="SnapshotEvery"/> events, journal deleted up to it.
/// </para>
/// </summary>
internal sealed class SentPartsIndex : ReceivePersistentActor, IWithTimers
{
    private sealed record EarlyReport(StatusReportReceived Report, DateTimeOffset Until, string Reason);

    private sealed record OutcomeReported(string JobId);

    private sealed class DropExpiredReports
    {
        public static readonly DropExpiredReports Instance = new();
    }

    private sealed class StorePayments
    {
        public static readonly StorePayments Instance = new();
    }

    public const int SnapshotEvery = 100;

    /// <summary>Paid resolutions stored in one event once this many are waiting.</summary>
    public const int PaidBatch = 64;

    /// <summary>The longest a paid resolution waits to be stored with others.</summary>
    public static readonly TimeSpan PaidStoreAfter = TimeSpan.FromSeconds(1);

    private const string PaymentsTimer = "payments";

    /// <summary>Reports held while their parts are not yet indexed; beyond this the oldest is dropped (logged).</summary>
    public const int MaxEarlyReports = 256;

    private readonly string _module;
    private readonly RoutingContext _ctx;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly List<EarlyReport> _early = new();
    private readonly Dictionary<string, IActorRef> _reporters = new(StringComparer.Ordinal);
    private readonly List<string> _paid = new();
    private SentPartsLedger _ledger;
    private int _sinceSnapshot;

    public override string PersistenceId { get; }

    public ITimerScheduler Timers { get; set; } = null!;

    public static string PersistenceIdFor(string module) => "sent-parts-" + module;

    public static Props Props(string module, RoutingContext ctx) => Akka.Actor.Props.Create(() => new SentPartsIndex(module, ctx));

    public SentPartsIndex(string module, RoutingContext ctx)
    {
        _module = module;
        _ctx = ctx;
        _ledger = SentPartsLedger.Empty(module);
        PersistenceId = PersistenceIdFor(module);

        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is SentPartsLedger l) _ledger = l;
        });
        Recover<IRoutingSerializable>(e => _ledger = _ledger.Apply(e));
        Recover<RecoveryCompleted>(_ =>
        {
            if (_ledger.Unreported.Count > 0)
                _log.Info("{0}: {1} delivery outcome(s) not yet in their mailboxes; writing them again", _module, _ledger.Unreported.Count);
            foreach (var owed in _ledger.Unreported.Values) StartReporter(owed);
        });

        Command<RecordSentParts>(OnRecordSentParts);
        Command<StatusReportReceived>(r => OnReport(r, held: false));
        Command<OutcomeReported>(o =>
        {
            _reporters.Remove(o.JobId);
            if (!_ledger.Unreported.ContainsKey(o.JobId)) return;
            _ledger = _ledger.Apply(new ResolutionReported(o.JobId));
            _paid.Add(o.JobId);
            if (_paid.Count >= PaidBatch) StorePaid();
            else if (!Timers.IsTimerActive(PaymentsTimer)) Timers.StartSingleTimer(PaymentsTimer, StorePayments.Instance, PaidStoreAfter);
        });
        Command<StorePayments>(_ => StorePaid());
        Command<DropExpiredReports>(_ => DropExpired());
        Command<SaveSnapshotSuccess>(s =>
        {
            DeleteMessages(s.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(f => _log.Warning("{0}: sent-parts snapshot failed ({1}); the journal is kept", _module, f.Cause.Message));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.Warning("{0}: deleting old sent-parts events failed ({1})", _module, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning("{0}: deleting old sent-parts snapshots failed ({1})", _module, f.Cause.Message));
    }

    private void OnRecordSentParts(RecordSentParts r)
    {
        var replyTo = Sender;
        Store(r.Parts, e =>
        {
            replyTo.Tell(new SentPartsRecorded(_module, e.JobId));
            RetryEarlyReports();
        });
    }

    private void OnReport(StatusReportReceived r, bool held)
    {
        var report = r.Report;
        switch (_ledger.Match(report, r.JobId))
        {
            case ReportMatch.Unmatched u:
                if (!held) Hold(r, u.Reason);
                break;
            case ReportMatch.AlreadyResolved a:
                _log.Debug("{0}: status report for TP-MR {1} (job {2}) after the job's outcome was decided; ignored",
                    _module, report.MessageReference, a.Sent.JobId);
                break;
            case ReportMatch.Part p:
                var sent = p.Sent;
                var what = $"{_module}: job {sent.JobId} of {sent.User} to {sent.Destination}, part {sent.PartIndex + 1}/{sent.PartCount} (TP-MR {report.MessageReference})";
                if (StatusReportText.Outcome(report.Status) == Sms.DeliveryOutcome.Pending)
                {
                    _log.Info("{0}: {1}", what, StatusReportText.Describe(report.Status));
                    break;
                }
                _log.Info("{0}: {1}", what, StatusReportText.Describe(report.Status));
                var owedBefore = _ledger.Unreported.ContainsKey(sent.JobId);
                Store(new PartReported(report.MessageReference, sent.JobId, report.Status, report.DischargeTime, _ctx.Time.GetUtcNow()), _ =>
                {
                    if (!owedBefore && _ledger.Unreported.TryGetValue(sent.JobId, out var resolution)) StartReporter(resolution);
                });
                break;
        }
    }

    /// <summary>A report with no part yet: perhaps its parts are still being indexed. It waits up to ack-timeout.</summary>
    private void Hold(StatusReportReceived r, string reason)
    {
        if (_early.Count >= MaxEarlyReports)
        {
            var dropped = _early[0];
            _early.RemoveAt(0);
            _log.Warning("{0}: status report for TP-MR {1} not matched: {2}", _module, dropped.Report.Report.MessageReference, dropped.Reason);
        }
        _early.Add(new EarlyReport(r, _ctx.Time.GetUtcNow() + _ctx.Settings.Routing.Sending.AckTimeout, reason));
        if (_early.Count == 1) ScheduleExpiry();
    }

    private void RetryEarlyReports()
    {
        if (_early.Count == 0) return;
        var waiting = _early.ToArray();
        _early.Clear();
        foreach (var e in waiting)
        {
            if (_ledger.Match(e.Report.Report, e.Report.JobId) is ReportMatch.Unmatched u) _early.Add(e with { Reason = u.Reason });
            else OnReport(e.Report, held: true);
        }
    }

    private void DropExpired()
    {
        var now = _ctx.Time.GetUtcNow();
        foreach (var e in _early.Where(e => e.Until <= now))
            _log.Warning("{0}: status report for TP-MR {1} ({2}) not matched: {3}", _module, e.Report.Report.MessageReference,
                StatusReportText.Describe(e.Report.Report.Status), e.Reason);
        _early.RemoveAll(e => e.Until <= now);
        if (_early.Count > 0) ScheduleExpiry();
    }

    private void ScheduleExpiry()
    {
        var wait = _early[0].Until - _ctx.Time.GetUtcNow();
        Timers.StartSingleTimer("early-reports", DropExpiredReports.Instance, wait > TimeSpan.Zero ? wait : TimeSpan.FromMilliseconds(1));
    }

    private void StartReporter(JobResolution owed)
    {
        if (_reporters.ContainsKey(owed.JobId)) return;
        var reporter = Context.ActorOf(JobOutcomeReporter.Props(owed, _ctx, new OutcomeReported(owed.JobId)));
        _reporters[owed.JobId] = reporter;
    }

    private void StorePaid()
    {
        Timers.Cancel(PaymentsTimer);
        if (_paid.Count == 0) return;
        var paid = new ResolutionsReported([.. _paid]);
        _paid.Clear();
        Store(paid, _ => { });
    }

    private void Store<TEvent>(TEvent e, Action<TEvent> then) where TEvent : IRoutingSerializable =>
        PersistAsync(e, stored =>
        {
            _ledger = _ledger.Apply(stored);
            then(stored);
            if (++_sinceSnapshot < SnapshotEvery) return;
            _sinceSnapshot = 0;
            SaveSnapshot(_ledger);
        });

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "{0}: the sent-parts index could not store {1}; it restarts from the journal (unacknowledged records are sent again)", _module, @event.GetType().Name);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }
}
