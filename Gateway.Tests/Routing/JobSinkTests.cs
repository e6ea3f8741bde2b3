using Akka.TestKit.Xunit2;
using Gateway.Mailbox;
using Gateway.Routing;
using Gateway.Sms;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Routing;

/// <summary>The benchmark sink takes each offered job through sending, sent and delivered with the mailbox that offered it.</summary>
public sealed class JobSinkTests : TestKit
{
    private static OutgoingJobQueued Offer(string id) => new(new OutgoingSms(id, "alice", "+420777123456", "hi", SmsCoding.Gsm7, 1,
        DateTimeOffset.UnixEpoch, null, null, []));

    [Fact]
    public void An_offered_job_is_recorded_sending_then_sent_then_delivered()
    {
        var mailbox = CreateTestProbe();
        var sink = Sys.ActorOf(JobSink.Props(new ManualTime()));

        sink.Tell(Offer("J1"), mailbox.Ref);
        Assert.Equal(JobState.Sending, mailbox.ExpectMsg<RecordJobProgress>(r => r.JobId == "J1" && r.User == "alice").Status.State);
        sink.Tell(Offer("J1"), mailbox.Ref); // offered again meanwhile: not taken twice
        mailbox.Reply(new JobProgressRecorded("J1", JobState.Sending));
        Assert.Equal(JobState.Sent, mailbox.ExpectMsg<RecordJobProgress>().Status.State);
        mailbox.Reply(new JobProgressRecorded("J1", JobState.Sent));
        Assert.Equal(JobState.Delivered, mailbox.ExpectMsg<RecordJobProgress>().Status.State);
        mailbox.Reply(new JobProgressRecorded("J1", JobState.Delivered));
        mailbox.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_refused_step_lets_the_next_offer_start_over()
    {
        var mailbox = CreateTestProbe();
        var sink = Sys.ActorOf(JobSink.Props(new ManualTime()));
        sink.Tell(Offer("J2"), mailbox.Ref);
        mailbox.ExpectMsg<RecordJobProgress>();
        mailbox.Reply(new JobProgressRefused("J2", "the job is not queued"));
        sink.Tell(Offer("J2"), mailbox.Ref);
        Assert.Equal(JobState.Sending, mailbox.ExpectMsg<RecordJobProgress>().Status.State);
    }
}
