using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace Gateway.Modem;

/// <summary>Journal event: <see cref="Parts"/> SMS parts left the SIM (or may have) at <see cref="At"/>.</summary>
public sealed record ModuleUsageRecorded(int Parts, DateTimeOffset At) : IModemSerializable;

/// <summary>
/// The persistent side of a module's <see cref="ModuleUsage"/> (persistence id
/// <c>module-usage-&lt;module&gt;</c>). The modem bank keeps one per module with limits, for as
/// long as the bank lives (under a back-off supervisor), so the count outlives the module actor's
/// restarts; a module run on its own keeps it as its child. A module asks <see cref="GetUsage"/>
/// when it starts and sends nothing before the answer, so a restart never forgets what the SIM
/// sent today. The module counts in memory and tells this actor <see cref="RecordUsage"/> after
/// each part; writes are asynchronous (a crash can lose the count of the parts whose writes were
/// under way). Snapshot every <see cref="SnapshotEvery"/> events, then the journal up to it is deleted.
/// </summary>
public sealed class ModuleUsageJournal : ReceivePersistentActor
{
    /// <summary>Asks for the counters; answered <see cref="UsageLoaded"/> once recovered.</summary>
    public sealed class GetUsage
    {
        public static GetUsage Instance { get; } = new();

        private GetUsage() { }
    }

    /// <summary>The counters as stored (and counted since).</summary>
    public sealed record UsageLoaded(ModuleUsage Usage);

    /// <summary>From the parent: count <see cref="Parts"/> parts sent at <see cref="At"/>.</summary>
    public sealed record RecordUsage(int Parts, DateTimeOffset At);

    public const int SnapshotEvery = 200;

    private readonly string _module;
    private readonly TimeZoneInfo _zone;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private ModuleUsage _usage = ModuleUsage.Empty;
    private int _sinceSnapshot;

    public override string PersistenceId { get; }

    public static string PersistenceIdFor(string module) => "module-usage-" + module;

    public static Props Props(string module, TimeZoneInfo zone) => Akka.Actor.Props.Create(() => new ModuleUsageJournal(module, zone));

    public ModuleUsageJournal(string module, TimeZoneInfo zone)
    {
        _module = module;
        _zone = zone;
        PersistenceId = PersistenceIdFor(module);

        Recover<SnapshotOffer>(o =>
        {
            if (o.Snapshot is ModuleUsage u) _usage = u;
        });
        Recover<ModuleUsageRecorded>(e => _usage = _usage.Add(e.Parts, e.At, _zone));
        Command<GetUsage>(_ => Sender.Tell(new UsageLoaded(_usage)));

        Command<RecordUsage>(r => PersistAsync(new ModuleUsageRecorded(r.Parts, r.At), e =>
        {
            _usage = _usage.Add(e.Parts, e.At, _zone);
            if (++_sinceSnapshot < SnapshotEvery) return;
            _sinceSnapshot = 0;
            SaveSnapshot(_usage);
        }));
        Command<SaveSnapshotSuccess>(s =>
        {
            DeleteMessages(s.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(s.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(f => _log.Warning("{0}: usage snapshot failed ({1}); the journal is kept", _module, f.Cause.Message));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(f => _log.Warning("{0}: deleting old usage events failed ({1})", _module, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => _log.Warning("{0}: deleting old usage snapshots failed ({1})", _module, f.Cause.Message));
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Error(cause, "{0}: the usage counter could not be stored; the module goes on counting in memory and starts the journal again", _module);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _log.Error(reason, "{0}: the usage counter could not be read from the journal; the module sends nothing until it can", _module);
        base.OnRecoveryFailure(reason, message);
    }
}
