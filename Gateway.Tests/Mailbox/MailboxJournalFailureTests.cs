using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.TestKit;
using Gateway.Mailbox;
using Gateway.Sms;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Mailbox;

/// <summary>
/// Journal faults injected with Akka.Persistence.TestKit's journal: nothing is ever accepted
/// without being stored, and every waiting requester hears a refusal.
/// </summary>
public class MailboxJournalFailureTests : Akka.TestKit.Xunit2.TestKit
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
        {{MailboxSerializer.Hocon}}
        """);

    private readonly ITestJournal _journal;
    private readonly Gateway.Configuration.GatewaySettings _settings = TestSettings.Gateway();

    public MailboxJournalFailureTests() : base(FaultyJournal)
    {
        _journal = TestJournal.FromRef(Persistence.Instance.Apply(Sys).JournalFor(null));
    }

    private IActorRef StartMailbox() => Sys.ActorOf(MailboxActor.Props(_settings.Users["alice"], _settings.Mail, CreateTestProbe()));

    private static OutgoingSms Job(string id) => new(id, "alice", "+420777000111", "hi", SmsCoding.Gsm7, 1, DateTimeOffset.UtcNow, null, null, []);

    private static IncomingSms Sms(string text) =>
        new(new SmsAddress(AddressType.International, "+420777123456"), DateTimeOffset.UtcNow, text, "gsm-1", "operator-a", null, 1);

    [Fact]
    public async Task A_failed_journal_write_refuses_every_waiting_request_and_accepts_none()
    {
        var mailbox = StartMailbox();
        Watch(mailbox);
        // The write fails only after a while, so all three requests are waiting on it when it does.
        await _journal.OnWrite.FailWithDelay(TimeSpan.FromMilliseconds(500));
        mailbox.Tell(new SubmitOutgoing("alice", "s1", [Job("j1")]));
        mailbox.Tell(new SubmitOutgoing("alice", "s2", [Job("j2")]));
        mailbox.Tell(new DeliverSms("alice", "d1", Sms("hello")));
        var replies = await Collect.AllAsync(ReceiveNAsync(4, Wait));
        Assert.Equal(["s1", "s2"], replies.OfType<OutgoingRefused>().Select(r => r.SubmissionId).Order());
        Assert.Equal("d1", replies.OfType<DeliveryFailed>().Single().DeliveryId);
        Assert.Contains(replies, r => r is Terminated);
        Assert.DoesNotContain(replies, r => r is OutgoingAccepted or SmsStored);

        await _journal.OnWrite.Pass();
        mailbox = StartMailbox();
        mailbox.Tell(new GetOutgoingJobs("alice"));
        Assert.Empty((await ExpectMsgAsync<OutgoingJobsResult>(Wait)).Jobs);
        mailbox.Tell(new SubmitOutgoing("alice", "s3", [Job("j3")]));
        await ExpectMsgAsync<OutgoingAccepted>(Wait);
    }

    [Fact]
    public async Task A_rejected_event_is_refused_and_the_mailbox_restarts_from_what_is_stored()
    {
        var mailbox = StartMailbox();
        mailbox.Tell(new DeliverSms("alice", "d1", Sms("kept")));
        await ExpectMsgAsync<SmsStored>(Wait);
        Watch(mailbox);
        await _journal.OnWrite.Reject();
        mailbox.Tell(new DeliverSms("alice", "d2", Sms("rejected")));
        await ExpectMsgAsync<DeliveryFailed>(Wait);
        await ExpectTerminatedAsync(mailbox, Wait);

        await _journal.OnWrite.Pass();
        mailbox = StartMailbox();
        mailbox.Tell(new GetMailboxStatus("alice"));
        Assert.Equal(1, (await ExpectMsgAsync<MailboxStatus>(Wait)).Messages);
        mailbox.Tell(new DeliverSms("alice", "d2", Sms("again")));
        await ExpectMsgAsync<SmsStored>(Wait);
    }

    [Fact]
    public async Task A_deletion_that_cannot_be_stored_is_reported_and_deletes_nothing()
    {
        var mailbox = StartMailbox();
        mailbox.Tell(new DeliverSms("alice", "d1", Sms("one")));
        await ExpectMsgAsync<SmsStored>(Wait);
        var session = CreateTestProbe();
        mailbox.Tell(new LockMaildrop("alice", "s"), session);
        var listing = (await session.ExpectMsgAsync<MaildropLocked>(Wait)).Messages;
        await _journal.OnWrite.Fail();
        mailbox.Tell(new CommitDeletions("alice", [listing[0].Number]), session);
        await session.ExpectMsgAsync<CommitFailed>(Wait);

        await _journal.OnWrite.Pass();
        mailbox = StartMailbox();
        mailbox.Tell(new LockMaildrop("alice", "s"), session);
        Assert.Single((await session.ExpectMsgAsync<MaildropLocked>(Wait)).Messages);
    }
}
