using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using Akka.TestKit;
using Gateway.Configuration;
using Gateway.Mailbox;
using Gateway.Sms;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Mailbox;

/// <summary>The mailbox actor on a real SQLite journal: replies only after storing, recovery, locks, snapshots.</summary>
public class MailboxActorTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly SqliteJournal _journal;
    private readonly TestProbe _consumer;
    private GatewaySettings _settings = TestSettings.Gateway();

    public MailboxActorTests() : this(new SqliteJournal()) { }

    private MailboxActorTests(SqliteJournal journal) : base(journal.AkkaConfig)
    {
        _journal = journal;
        _consumer = CreateTestProbe("consumer");
    }

    private UserSettings Alice => _settings.Users["alice"];

    private IActorRef StartMailbox(MailboxSettings? limits = null, bool persistAsync = true)
    {
        if (limits is not null) _settings = _settings with { Mail = _settings.Mail with { Mailbox = limits } };
        return Sys.ActorOf(MailboxActor.Props(Alice, _settings.Mail, _consumer, persistAsync: persistAsync));
    }

    private async Task StopAsync(IActorRef mailbox)
    {
        var watcher = CreateTestProbe();
        watcher.Watch(mailbox);
        mailbox.Tell(PoisonPill.Instance);
        await watcher.ExpectTerminatedAsync(mailbox, Wait);
    }

    private static IncomingSms Sms(string text, string from = "+420777123456") =>
        new(new SmsAddress(AddressType.International, from), DateTimeOffset.Parse("2026-11-24T18:30:00+01:00"), text, "gsm-1", "operator-a", "+420600000001", 1);

    private static OutgoingSms Job(string id) =>
        new(id, "alice", "+420777000111", "hi", SmsCoding.Gsm7, 1, DateTimeOffset.UtcNow, null, null, []);

    private async Task<ImmutableArray<MaildropEntry>> LockAsync(IActorRef mailbox, TestProbe session)
    {
        mailbox.Tell(new LockMaildrop("alice", session.Ref.Path.Name), session);
        return (await session.ExpectMsgAsync<MaildropLocked>(Wait)).Messages;
    }

    private async Task<string> ContentAsync(IActorRef mailbox, TestProbe session, long number)
    {
        mailbox.Tell(new FetchMessages("alice", [number]), session);
        var fetched = await session.ExpectMsgAsync<MessagesFetched>(Wait);
        return Encoding.UTF8.GetString(fetched.Messages.Single().Content.AsSpan());
    }

    [Fact]
    public async Task An_SMS_is_stored_as_an_email_and_is_still_there_after_the_mailbox_restarts()
    {
        var mailbox = StartMailbox();
        mailbox.Tell(new DeliverSms("alice", "gsm-1/3", Sms("Ahoj Alice")));
        var stored = await ExpectMsgAsync<SmsStored>(Wait);
        Assert.Equal("gsm-1/3", stored.DeliveryId);
        Assert.Equal(1, _journal.JournalRows(MailboxActor.PersistenceIdFor("alice")));

        await StopAsync(mailbox);
        mailbox = StartMailbox();
        var session = CreateTestProbe();
        var listing = await LockAsync(mailbox, session);
        Assert.Equal(stored.Uid, listing.Single().Uid);
        var content = await ContentAsync(mailbox, session, listing[0].Number);
        Assert.Equal(listing[0].Size, Encoding.UTF8.GetByteCount(content));
        Assert.Contains("From: \"+420777123456\" <+420777123456@sms.example.net>", content);
        Assert.Contains("Ahoj Alice", content);
    }

    [Fact]
    public async Task An_SMS_offered_again_is_answered_with_the_same_uid_and_stored_once()
    {
        var mailbox = StartMailbox();
        mailbox.Tell(new DeliverSms("alice", "gsm-1/3", Sms("one")));
        mailbox.Tell(new DeliverSms("alice", "gsm-1/3", Sms("one")));
        var first = await ExpectMsgAsync<SmsStored>(Wait);
        var second = await ExpectMsgAsync<SmsStored>(Wait);
        Assert.Equal(first.Uid, second.Uid);

        await StopAsync(mailbox);
        mailbox = StartMailbox();
        mailbox.Tell(new DeliverSms("alice", "gsm-1/3", Sms("one")));
        Assert.Equal(first.Uid, (await ExpectMsgAsync<SmsStored>(Wait)).Uid);
        Assert.Single(await LockAsync(mailbox, CreateTestProbe()));
    }

    [Fact]
    public async Task A_full_mailbox_refuses_the_SMS_with_the_reason_and_logs_it_for_the_operator()
    {
        var mailbox = StartMailbox(MailboxSettings.Default with { MaxMessages = 1 });
        mailbox.Tell(new DeliverSms("alice", "a", Sms("one")));
        await ExpectMsgAsync<SmsStored>(Wait);
        await EventFilter.Warning(contains: "mailbox alice is full").ExpectOneAsync(async () =>
        {
            mailbox.Tell(new DeliverSms("alice", "b", Sms("two")));
            var full = await ExpectMsgAsync<MailboxFull>(Wait);
            Assert.Equal("b", full.DeliveryId);
            Assert.Contains("max-messages = 1", full.Reason);
        });
    }

    [Fact]
    public async Task Gateway_mail_is_stored_with_CRLF_line_endings_and_counted_by_its_stored_size()
    {
        var mailbox = StartMailbox();
        mailbox.Tell(new DeliverMail("alice", "bounce-1", [.. "Subject: bounce\n\nyour SMS failed\n"u8.ToArray()]));
        await ExpectMsgAsync<MailStored>(Wait);
        mailbox.Tell(new DeliverMail("alice", "bounce-2", []));
        await ExpectMsgAsync<DeliveryFailed>(Wait);
        var session = CreateTestProbe();
        var entry = (await LockAsync(mailbox, session)).Single();
        Assert.Equal("Subject: bounce\r\n\r\nyour SMS failed\r\n", await ContentAsync(mailbox, session, entry.Number));
        Assert.Equal(entry.Size, "Subject: bounce\r\n\r\nyour SMS failed\r\n".Length);
    }

    [Fact]
    public async Task Outgoing_jobs_are_accepted_after_storing_and_handed_to_the_consumer()
    {
        var mailbox = StartMailbox();
        mailbox.Tell(new SubmitOutgoing("alice", "sub-1", [Job("j1"), Job("j2")]));
        var accepted = await ExpectMsgAsync<OutgoingAccepted>(Wait);
        Assert.Equal(["j1", "j2"], accepted.JobIds);
        Assert.Equal(1, _journal.JournalRows(MailboxActor.PersistenceIdFor("alice")));
        Assert.Equal("j1", (await _consumer.ExpectMsgAsync<OutgoingJobQueued>(Wait)).Job.JobId);
        Assert.Equal("j2", (await _consumer.ExpectMsgAsync<OutgoingJobQueued>(Wait)).Job.JobId);
    }

    [Fact]
    public async Task Queued_jobs_and_jobs_being_sent_are_offered_again_after_recovery_and_sent_ones_are_not()
    {
        // Recovery means the node went down (a mailbox with pending jobs is never passivated), and a
        // send under way went down with it: it is offered again (at-least-once), in submission order.
        var mailbox = StartMailbox();
        mailbox.Tell(new SubmitOutgoing("alice", "sub-1", [Job("sent"), Job("sending"), Job("waiting")]));
        await ExpectMsgAsync<OutgoingAccepted>(Wait);
        var t = DateTimeOffset.UtcNow;
        mailbox.Tell(new RecordJobProgress("alice", "sent", JobStatus.Sending("gsm-1", t)));
        mailbox.Tell(new RecordJobProgress("alice", "sent", JobStatus.Sent("gsm-1", [7], t)));
        mailbox.Tell(new RecordJobProgress("alice", "sending", JobStatus.Sending("gsm-1", t)));
        await Collect.AllAsync(ReceiveNAsync(3, Wait));
        await StopAsync(mailbox);
        await Collect.AllAsync(_consumer.ReceiveNAsync(3, Wait));

        StartMailbox();
        Assert.Equal("sending", (await _consumer.ExpectMsgAsync<OutgoingJobQueued>(Wait)).Job.JobId);
        Assert.Equal("waiting", (await _consumer.ExpectMsgAsync<OutgoingJobQueued>(Wait)).Job.JobId);
        await _consumer.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_queued_job_nobody_takes_is_offered_again_after_the_reoffer_time()
    {
        var mailbox = StartMailbox(MailboxSettings.Default with { JobReofferAfter = TimeSpan.FromMilliseconds(200) });
        mailbox.Tell(new SubmitOutgoing("alice", "sub-1", [Job("j1")]));
        await ExpectMsgAsync<OutgoingAccepted>(Wait);
        await _consumer.ExpectMsgAsync<OutgoingJobQueued>(Wait);
        Assert.Equal("j1", (await _consumer.ExpectMsgAsync<OutgoingJobQueued>(Wait)).Job.JobId);

        mailbox.Tell(new RecordJobProgress("alice", "j1", JobStatus.Sending("gsm-1", DateTimeOffset.UtcNow)));
        await ExpectMsgAsync<JobProgressRecorded>(Wait);
        await Collect.AllAsync(_consumer.ReceiveWhileAsync(TimeSpan.FromMilliseconds(50), o => o)); // an offer may have crossed the progress
        await _consumer.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(600));
    }

    [Fact]
    public async Task Job_progress_is_stored_with_its_history_and_invalid_steps_are_refused()
    {
        var mailbox = StartMailbox();
        mailbox.Tell(new SubmitOutgoing("alice", "sub-1", [Job("j1")]));
        await ExpectMsgAsync<OutgoingAccepted>(Wait);
        var t = DateTimeOffset.UtcNow;
        mailbox.Tell(new RecordJobProgress("alice", "j1", JobStatus.Delivered(t)));
        Assert.Contains("cannot become delivered", (await ExpectMsgAsync<JobProgressRefused>(Wait)).Reason);
        mailbox.Tell(new RecordJobProgress("alice", "j1", JobStatus.Sending("gsm-1", t)));
        mailbox.Tell(new RecordJobProgress("alice", "j1", JobStatus.Sent("gsm-1", [42], t)));
        mailbox.Tell(new RecordJobProgress("alice", "nope", JobStatus.Sent("gsm-1", [42], t)));
        // A refusal is immediate; a recorded step is answered once stored, so the order of the three may vary.
        var replies = await Collect.AllAsync(ReceiveNAsync(3, Wait));
        Assert.Equal([JobState.Sending, JobState.Sent], replies.OfType<JobProgressRecorded>().Select(r => r.State));
        Assert.Equal("nope", replies.OfType<JobProgressRefused>().Single().JobId);

        await StopAsync(mailbox);
        mailbox = StartMailbox();
        mailbox.Tell(new GetOutgoingJobs("alice"));
        var job = (await ExpectMsgAsync<OutgoingJobsResult>(Wait)).Jobs.Single();
        Assert.Equal([JobState.Queued, JobState.Sending, JobState.Sent], job.History.Select(h => h.State));
        Assert.Equal([42], job.Status.References.ToArray());
    }

    [Fact]
    public async Task The_maildrop_lock_is_exclusive_and_released_when_its_session_dies()
    {
        var mailbox = StartMailbox();
        var first = CreateTestProbe("first");
        var second = CreateTestProbe("second");
        await LockAsync(mailbox, first);
        mailbox.Tell(new LockMaildrop("alice", "second"), second);
        Assert.Equal("first", (await second.ExpectMsgAsync<MaildropInUse>(Wait)).HeldBy);
        mailbox.Tell(new FetchMessages("alice", [1]), second);
        await second.ExpectMsgAsync<MaildropNotLocked>(Wait);

        Sys.Stop(first.Ref);
        await AwaitAssertAsync(async () =>
        {
            mailbox.Tell(new LockMaildrop("alice", "second"), second);
            await second.ExpectMsgAsync<MaildropLocked>(TimeSpan.FromMilliseconds(500));
        }, Wait);
    }

    [Fact]
    public async Task Committed_deletions_are_stored_before_the_reply_and_released_locks_delete_nothing()
    {
        var mailbox = StartMailbox();
        for (var i = 0; i < 3; i++) mailbox.Tell(new DeliverSms("alice", $"d{i}", Sms($"text {i}")));
        await ExpectMsgAsync<SmsStored>(Wait);
        await ExpectMsgAsync<SmsStored>(Wait);
        await ExpectMsgAsync<SmsStored>(Wait);

        var session = CreateTestProbe();
        var listing = await LockAsync(mailbox, session);
        mailbox.Tell(new ReleaseMaildrop("alice"), session); // QUIT after DELE that never reached UPDATE: nothing happens
        listing = await LockAsync(mailbox, session);
        Assert.Equal(3, listing.Length);
        mailbox.Tell(new CommitDeletions("alice", [listing[0].Number, listing[2].Number]), session);
        Assert.Equal(2, (await session.ExpectMsgAsync<DeletionsCommitted>(Wait)).Deleted);
        mailbox.Tell(new FetchMessages("alice", [listing[1].Number]), session);
        await session.ExpectMsgAsync<MaildropNotLocked>(Wait); // the commit released the lock

        await StopAsync(mailbox);
        mailbox = StartMailbox();
        var after = await LockAsync(mailbox, CreateTestProbe());
        Assert.Equal([listing[1].Uid], after.Select(e => e.Uid));
    }

    [Fact]
    public async Task Snapshots_are_taken_and_the_journal_before_them_is_deleted()
    {
        var mailbox = StartMailbox(MailboxSettings.Default with { SnapshotEvery = 10 });
        for (var i = 0; i < 35; i++)
        {
            mailbox.Tell(new DeliverSms("alice", $"d{i}", Sms($"text {i}")));
            await ExpectMsgAsync<SmsStored>(Wait);
        }
        var id = MailboxActor.PersistenceIdFor("alice");
        await AwaitAssertAsync(() =>
        {
            Assert.Equal(1, _journal.SnapshotRows(id));
            Assert.InRange(_journal.JournalRows(id), 5, 10);
        }, Wait);

        await StopAsync(mailbox);
        mailbox = StartMailbox();
        var listing = await LockAsync(mailbox, CreateTestProbe());
        Assert.Equal(35, listing.Length);
        Assert.Equal(35, listing.Select(e => e.Uid).Distinct().Count());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Requests_that_arrive_together_are_all_stored_and_recovered_exactly_once(bool persistAsync)
    {
        var mailbox = StartMailbox(MailboxSettings.Default with { SnapshotEvery = 7 }, persistAsync);
        const int count = 300;
        for (var i = 0; i < count; i++)
        {
            mailbox.Tell(new DeliverSms("alice", $"d{i % 250}", Sms($"text {i}")));
            if (i % 50 == 0) mailbox.Tell(new SubmitOutgoing("alice", $"s{i}", [Job($"j{i}")]));
        }
        var replies = await Collect.AllAsync(ReceiveNAsync(count + 6, Wait));
        var uids = replies.OfType<SmsStored>().GroupBy(s => s.DeliveryId).ToDictionary(g => g.Key, g => g.Select(s => s.Uid).Distinct().Single());
        Assert.Equal(250, uids.Count);
        Assert.Equal(6, replies.OfType<OutgoingAccepted>().Count());

        await StopAsync(mailbox);
        mailbox = StartMailbox();
        var listing = await LockAsync(mailbox, CreateTestProbe());
        Assert.Equal(uids.Values.Order(), listing.Select(e => e.Uid).Order());
        mailbox.Tell(new GetMailboxStatus("alice"));
        var status = await ExpectMsgAsync<MailboxStatus>(Wait);
        Assert.Equal((250, 6), (status.Messages, status.PendingJobs));
        Assert.Equal(listing.Sum(e => (long)e.Size), status.Bytes);
    }

    [Fact]
    public async Task Stopping_for_a_hand_off_answers_every_write_under_way_first()
    {
        var mailbox = StartMailbox();
        Watch(mailbox);
        for (var i = 0; i < 50; i++) mailbox.Tell(new DeliverSms("alice", $"d{i}", Sms($"text {i}")));
        mailbox.Tell(MailboxActor.StopMailbox.Instance);
        var replies = await Collect.AllAsync(ReceiveNAsync(51, Wait));
        Assert.Equal(50, replies.OfType<SmsStored>().Count());
        Assert.IsType<Terminated>(replies[^1]);
    }

    [Fact]
    public async Task A_mailbox_that_is_idle_asks_to_be_passivated_but_not_while_locked()
    {
        var parent = CreateTestProbe();
        _settings = _settings with { Mail = _settings.Mail with { Mailbox = MailboxSettings.Default with { PassivateAfter = TimeSpan.FromMilliseconds(200) } } };
        var mailbox = parent.ChildActorOf(MailboxActor.Props(Alice, _settings.Mail, _consumer));
        var session = CreateTestProbe();
        await LockAsync(mailbox, session);
        await parent.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(600));
        mailbox.Tell(new ReleaseMaildrop("alice"), session);
        await parent.ExpectMsgAsync<Akka.Cluster.Sharding.Passivate>(Wait);
    }

    [Fact]
    public async Task A_mailbox_with_a_job_being_sent_is_not_passivated_until_the_job_is_sent()
    {
        var parent = CreateTestProbe();
        _settings = _settings with { Mail = _settings.Mail with { Mailbox = MailboxSettings.Default with { PassivateAfter = TimeSpan.FromMilliseconds(200) } } };
        var mailbox = parent.ChildActorOf(MailboxActor.Props(Alice, _settings.Mail, _consumer));
        mailbox.Tell(new SubmitOutgoing("alice", "sub-1", [Job("j1")]));
        await ExpectMsgAsync<OutgoingAccepted>(Wait);
        var t = DateTimeOffset.UtcNow;
        mailbox.Tell(new RecordJobProgress("alice", "j1", JobStatus.Sending("gsm-1", t)));
        await ExpectMsgAsync<JobProgressRecorded>(Wait);
        await parent.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(600));
        mailbox.Tell(new RecordJobProgress("alice", "j1", JobStatus.Sent("gsm-1", [3], t)));
        await ExpectMsgAsync<JobProgressRecorded>(Wait);
        await parent.ExpectMsgAsync<Akka.Cluster.Sharding.Passivate>(Wait);
    }

    [Fact]
    public async Task A_user_who_is_not_configured_gets_refusals_and_no_journal()
    {
        var ghost = Sys.ActorOf(UnknownUserMailbox.Props("mallory"));
        ghost.Tell(new SubmitOutgoing("mallory", "s1", [Job("j1") with { User = "mallory" }]));
        Assert.Contains("no user \"mallory\"", (await ExpectMsgAsync<OutgoingRefused>(Wait)).Reason);
        ghost.Tell(new DeliverSms("mallory", "d1", Sms("x")));
        await ExpectMsgAsync<DeliveryFailed>(Wait);
        ghost.Tell(new LockMaildrop("mallory", "s"));
        await ExpectMsgAsync<NoSuchMailbox>(Wait);
        Assert.Equal(0, _journal.JournalRows(MailboxActor.PersistenceIdFor("mallory")));
    }
}
