using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using Gateway.AutoClip;
using Gateway.Configuration;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.AutoClip;

/// <summary>An AutoCLIP bucket on a real SQLite journal: replies after storing, recovery, expiry written by its timer, snapshots.</summary>
public class AutoClipBucketTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private const int Bucket = 7;
    private readonly SqliteJournal _journal;
    private readonly ManualTime _time = new(T0);

    public AutoClipBucketTests() : this(new SqliteJournal()) { }

    private AutoClipBucketTests(SqliteJournal journal) : base(journal.AkkaConfig) => _journal = journal;

    private static readonly AutoClipSettings OneHour = new(TimeSpan.FromHours(1));

    private IActorRef StartBucket(AutoClipSettings? settings = null, TimeProvider? time = null) =>
        Sys.ActorOf(AutoClipBucket.Props(Bucket, settings ?? OneHour, time ?? _time));

    private async Task StopAsync(IActorRef bucket)
    {
        var watcher = CreateTestProbe();
        watcher.Watch(bucket);
        bucket.Tell(AutoClipBucket.StopBucket.Instance);
        await watcher.ExpectTerminatedAsync(bucket, Wait);
    }

    private long Rows => _journal.JournalRows(AutoClipBucket.PersistenceIdFor(Bucket));

    private async Task<IReadOnlyList<AutoClipRecord>> ListAsync(IActorRef bucket)
    {
        bucket.Tell(new ListAutoClipBucket(Bucket, new ListAutoClip(null, null, null, 10_000)));
        return (await ExpectMsgAsync<AutoClipList>(Wait)).Records;
    }

    [Fact]
    public async Task A_send_is_acknowledged_once_in_the_journal_and_its_record_survives_a_restart()
    {
        var bucket = StartBucket();
        bucket.Tell(new RecordAutoClip("+420777123456", "gsm-1", "alice", T0));
        await ExpectMsgAsync(new AutoClipRecorded("+420777123456", "gsm-1"), Wait);
        Assert.Equal(1, Rows);

        // The same send again changes nothing and writes nothing.
        bucket.Tell(new RecordAutoClip("+420777123456", "gsm-1", "alice", T0));
        await ExpectMsgAsync(new AutoClipRecorded("+420777123456", "gsm-1"), Wait);
        Assert.Equal(1, Rows);

        await StopAsync(bucket);
        bucket = StartBucket();
        bucket.Tell(new LookupReplyOwner("+420777123456", "gsm-1"));
        await ExpectMsgAsync(new ReplyOwner("+420777123456", "gsm-1", "alice"), Wait);
        bucket.Tell(new LookupStickyModule("alice", "+420777123456"));
        await ExpectMsgAsync(new StickyModule("alice", "+420777123456", "gsm-1"), Wait);
        bucket.Tell(new LookupReplyOwner("+420777123456", "gsm-2"));
        await ExpectMsgAsync(new ReplyOwner("+420777123456", "gsm-2", null), Wait);
    }

    [Fact]
    public async Task A_send_to_a_number_that_is_not_E164_is_refused_and_nothing_is_written()
    {
        var bucket = StartBucket();
        bucket.Tell(new RecordAutoClip("777123456", "gsm-1", "alice", T0));
        Assert.Contains("not an E.164 number", (await ExpectMsgAsync<AutoClipRefused>(Wait)).Reason);
        bucket.Tell(new RecordAutoClip("+420777123456", "", "alice", T0));
        await ExpectMsgAsync<AutoClipRefused>(Wait);
        bucket.Tell(new LookupReplyOwner("ACME", "gsm-1"));
        await ExpectMsgAsync(new ReplyOwner("ACME", "gsm-1", null), Wait);
        Assert.Equal(0, Rows);
    }

    [Fact]
    public async Task Expiry_is_written_to_the_journal_so_an_expired_record_stays_gone_after_a_restart()
    {
        var bucket = StartBucket();
        bucket.Tell(new RecordAutoClip("+420777123456", "gsm-1", "alice", T0));
        await ExpectMsgAsync<AutoClipRecorded>(Wait);

        _time.Advance(TimeSpan.FromHours(1));
        bucket.Tell(new LookupReplyOwner("+420777123456", "gsm-1"));
        await ExpectMsgAsync(new ReplyOwner("+420777123456", "gsm-1", null), Wait); // gone for lookups at once
        bucket.Tell(AutoClipBucket.CheckExpiry.Instance);                           // what its timer sends
        await AwaitAssertAsync(() => Assert.Equal(2, Rows), Wait);

        // Back at a time the record was still valid: it was forgotten for good, not merely hidden.
        await StopAsync(bucket);
        bucket = StartBucket(time: new ManualTime(T0));
        Assert.Empty(await ListAsync(bucket));
    }

    [Fact]
    public async Task The_expiry_timer_forgets_records_by_itself()
    {
        var bucket = StartBucket(new AutoClipSettings(TimeSpan.FromMilliseconds(300)), TimeProvider.System);
        bucket.Tell(new RecordAutoClip("+420777123456", "gsm-1", "alice", DateTimeOffset.UtcNow));
        bucket.Tell(new RecordAutoClip("+420777123457", "gsm-1", "alice", DateTimeOffset.UtcNow.AddMilliseconds(200)));
        await ExpectMsgAsync<AutoClipRecorded>(Wait);
        await ExpectMsgAsync<AutoClipRecorded>(Wait);
        await AwaitAssertAsync(async () => Assert.Empty(await ListAsync(bucket)), Wait);
        await AwaitAssertAsync(() => Assert.True(Rows >= 3, $"{Rows} journal rows: the expiry must be written"), Wait);
    }

    [Fact]
    public async Task Snapshots_are_taken_every_N_events_and_the_journal_before_them_is_deleted()
    {
        var settings = OneHour with { SnapshotEvery = 10 };
        var bucket = StartBucket(settings);
        for (var i = 0; i < 25; i++) bucket.Tell(new RecordAutoClip($"+42077700{i:D4}", "gsm-1", "alice", T0.AddSeconds(i)));
        for (var i = 0; i < 25; i++) await ExpectMsgAsync<AutoClipRecorded>(Wait);
        await AwaitAssertAsync(() =>
        {
            Assert.True(_journal.SnapshotRows(AutoClipBucket.PersistenceIdFor(Bucket)) >= 1);
            Assert.InRange(Rows, 0, 15); // at least the first ten are gone (a snapshot under way when the 20th came lets it pass)
        }, Wait);

        await StopAsync(bucket);
        bucket = StartBucket(settings);
        var records = await ListAsync(bucket);
        Assert.Equal(25, records.Count);
        Assert.Equal(T0.AddSeconds(24), records.Single(r => r.Number == "+420777000024").LastUsed);
    }

    [Fact]
    public async Task An_operator_deletes_one_record_and_the_deletion_is_kept()
    {
        var bucket = StartBucket();
        bucket.Tell(new RecordAutoClip("+420777123456", "gsm-1", "alice", T0));
        bucket.Tell(new RecordAutoClip("+420777123456", "gsm-2", "alice", T0));
        await ExpectMsgAsync<AutoClipRecorded>(Wait);
        await ExpectMsgAsync<AutoClipRecorded>(Wait);
        bucket.Tell(new DeleteAutoClip("+420777123456", "gsm-1"));
        await ExpectMsgAsync(new AutoClipDeleted("+420777123456", "gsm-1", true), Wait);
        bucket.Tell(new DeleteAutoClip("+420777123456", "gsm-1"));
        await ExpectMsgAsync(new AutoClipDeleted("+420777123456", "gsm-1", false), Wait);

        await StopAsync(bucket);
        bucket = StartBucket();
        Assert.Equal(["gsm-2"], (await ListAsync(bucket)).Select(r => r.Module));
    }
}

/// <summary>Journal faults injected with Akka.Persistence.TestKit: a send whose write fails is refused, never acknowledged.</summary>
public class AutoClipBucketJournalFailureTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static readonly Config FaultyJournal = ConfigurationFactory.ParseString($$"""
        akka.persistence {
          journal {
            plugin = "akka.persistence.journal.test"
            test { class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit", plugin-dispatcher = "akka.actor.default-dispatcher" }
          }
          snapshot-store {
            plugin = "akka.persistence.snapshot-store.test"
            test { class = "Akka.Persistence.TestKit.TestSnapshotStore, Akka.Persistence.TestKit", plugin-dispatcher = "akka.actor.default-dispatcher" }
          }
        }
        {{AutoClipSerializer.Hocon}}
        """);

    private readonly ITestJournal _journal;

    public AutoClipBucketJournalFailureTests() : base(FaultyJournal) =>
        _journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));

    [Fact]
    public async Task A_failed_write_refuses_the_sends_waiting_on_it_and_the_bucket_recovers_without_them()
    {
        var settings = new AutoClipSettings(TimeSpan.FromHours(1));
        var bucket = Sys.ActorOf(AutoClipBucket.Props(3, settings));
        Watch(bucket);
        await _journal.OnWrite.FailWithDelay(TimeSpan.FromMilliseconds(300));
        bucket.Tell(new RecordAutoClip("+420777123456", "gsm-1", "alice", DateTimeOffset.UtcNow));
        bucket.Tell(new RecordAutoClip("+420777123457", "gsm-1", "alice", DateTimeOffset.UtcNow));
        var replies = await Collect.AllAsync(ReceiveNAsync(3, Wait));
        Assert.Equal(2, replies.OfType<AutoClipRefused>().Count());
        Assert.Contains(replies, r => r is Terminated);

        await _journal.OnWrite.Pass();
        bucket = Sys.ActorOf(AutoClipBucket.Props(3, settings));
        bucket.Tell(new LookupReplyOwner("+420777123456", "gsm-1"));
        await ExpectMsgAsync(new ReplyOwner("+420777123456", "gsm-1", null), Wait);
    }
}
