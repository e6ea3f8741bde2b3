using Akka.Actor;
using Akka.Serialization;
using Gateway.Routing.Incoming;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Routing.Incoming;

/// <summary>The node's ledger of kept SMS on a real SQLite journal.</summary>
public class IncomingLedgerTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset At = new(2026, 11, 25, 13, 45, 30, TimeSpan.FromHours(1));
    private readonly SqliteJournal _journal;

    public IncomingLedgerTests() : this(new SqliteJournal()) { }

    private IncomingLedgerTests(SqliteJournal journal) : base(journal.AkkaConfig) => _journal = journal;

    private IActorRef StartLedger(int keep = 100) => Sys.ActorOf(IncomingLedger.Props("node-a", keep));

    private static KeptSms Dropped(string id, string text = "spam") =>
        new(id, KeptReason.Dropped, At, "gsm-1", "office", "+420777200001", At.AddSeconds(-3), text, null, 4, null, 1, []);

    private async Task StopAsync(IActorRef actor)
    {
        var watcher = CreateTestProbe();
        watcher.Watch(actor);
        Sys.Stop(actor);
        await watcher.ExpectTerminatedAsync(actor, Wait);
    }

    private async Task<KeptSmsList> ListAsync(IActorRef ledger, KeptReason? reason = null)
    {
        ledger.Tell(new ListKeptSms(reason, 1000));
        return await ExpectMsgAsync<KeptSmsList>(Wait);
    }

    [Fact]
    public async Task A_record_is_acknowledged_once_in_the_journal_and_kept_once_however_often_it_is_sent()
    {
        var ledger = StartLedger();
        ledger.Tell(new KeepSms(Dropped("gsm-1:1:aaa")));
        await ExpectMsgAsync(new SmsKept("gsm-1:1:aaa"), Wait);
        Assert.Equal(1, _journal.JournalRows(IncomingLedger.PersistenceIdFor("node-a")));
        ledger.Tell(new KeepSms(Dropped("gsm-1:1:aaa")));
        await ExpectMsgAsync(new SmsKept("gsm-1:1:aaa"), Wait);
        Assert.Equal(1, _journal.JournalRows(IncomingLedger.PersistenceIdFor("node-a")));

        await StopAsync(ledger);
        ledger = StartLedger();
        var list = await ListAsync(ledger);
        var record = Assert.Single(list.Records);
        Assert.Equal("+420777200001", record.Sender);
        Assert.Equal(4, record.RuleIndex);
        Assert.Equal(At, record.KeptAt);
        Assert.Equal("spam", record.Text);
    }

    [Fact]
    public async Task It_holds_the_newest_records_up_to_its_limit_and_lists_them_newest_first_by_kind()
    {
        var ledger = StartLedger(keep: 3);
        for (var i = 1; i <= 5; i++)
        {
            ledger.Tell(new KeepSms(Dropped($"d{i}", $"text {i}")));
            await ExpectMsgAsync<SmsKept>(Wait);
        }
        ledger.Tell(new KeepSms(new KeptSms("u1", KeptReason.Undecodable, At, "gsm-2", "office", null, null, null, "07FF", null, "bad TP-MTI", 0, [])));
        await ExpectMsgAsync<SmsKept>(Wait);

        var all = await ListAsync(ledger);
        Assert.Equal(["u1", "d5", "d4"], all.Records.Select(r => r.DeliveryId));
        Assert.Equal(["d5", "d4"], (await ListAsync(ledger, KeptReason.Dropped)).Records.Select(r => r.DeliveryId));
        Assert.Equal("07FF", (await ListAsync(ledger, KeptReason.Undecodable)).Records.Single().PduHex);
        Assert.Empty((await ListAsync(ledger, KeptReason.Unmatched)).Records);
    }

    [Fact]
    public async Task Snapshots_keep_the_journal_short_and_recovery_complete()
    {
        var ledger = StartLedger(keep: 10_000);
        for (var i = 0; i < IncomingLedger.SnapshotEvery + 20; i++) ledger.Tell(new KeepSms(Dropped($"d{i}")));
        for (var i = 0; i < IncomingLedger.SnapshotEvery + 20; i++) await ExpectMsgAsync<SmsKept>(Wait);
        await AwaitAssertAsync(() => Assert.InRange(_journal.JournalRows(IncomingLedger.PersistenceIdFor("node-a")), 0, 20), Wait);

        await StopAsync(ledger);
        ledger = StartLedger(keep: 10_000);
        Assert.Equal(IncomingLedger.SnapshotEvery + 20, (await ListAsync(ledger)).Total);
    }

    [Fact]
    public void Every_ledger_type_round_trips_through_its_serializer()
    {
        var samples = new object[]
        {
            Dropped("d1"),
            new KeptSms("i1", KeptReason.Dropped, At, "gsm-1", "office", "+420777200001", At, "part one", null, 0, null, 1, [2, 3]),
            new KeepSms(Dropped("d2")),
            new ListKeptSms(KeptReason.Unmatched, 5),
            new ListKeptSms(),
            new SmsKept("d1"),
            new SmsNotKept("d1", "journal"),
            new KeptSmsList([Dropped("d1")], 7),
            new IncomingLedgerSnapshot([Dropped("d1"), Dropped("d2")]),
        };
        var marked = typeof(IIncomingSerializable).Assembly.GetTypes()
            .Where(t => typeof(IIncomingSerializable).IsAssignableFrom(t) && t is { IsInterface: false, IsAbstract: false });
        Assert.Empty(marked.Where(t => samples.All(s => s.GetType() != t)).Select(t => t.Name));

        foreach (var sample in samples)
        {
            var serializer = Assert.IsType<IncomingSerializer>(Sys.Serialization.FindSerializerFor(sample));
            var back = serializer.FromBinary(serializer.ToBinary(sample), serializer.Manifest(sample));
            Assert.Equal(Describe(sample), Describe(back));
        }
    }

    private static string Describe(object o) => System.Text.Json.JsonSerializer.Serialize(o, o.GetType());
}
