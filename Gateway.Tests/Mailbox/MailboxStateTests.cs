using System.Collections.Immutable;
using System.Text;
using Gateway.Configuration;
using Gateway.Mailbox;
using Gateway.Sms;
using Xunit;

namespace Gateway.Tests.Mailbox;

/// <summary>The mailbox's decisions and transitions, as plain functions (no actor system).</summary>
public class MailboxStateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly MailboxSettings Limits = MailboxSettings.Default;

    private static ImmutableArray<byte> Mail(string text) => [.. Encoding.ASCII.GetBytes($"Subject: x\r\n\r\n{text}\r\n")];

    private static MailboxState Store(MailboxState s, string? deliveryId, string text, MailboxSettings? limits = null)
    {
        var decision = Assert.IsType<DeliveryDecision.Store>(s.DecideDelivery(deliveryId, Mail(text), Now, limits ?? Limits));
        return s.Apply(decision.Event, Limits.MaxFinishedJobs);
    }

    internal static OutgoingSms Job(string id, string user = "alice") =>
        new(id, user, "+420777123456", "hello", SmsCoding.Gsm7, 1, Now, null, null, []);

    [Fact]
    public void Stored_messages_get_increasing_numbers_and_uids_and_are_counted_in_bytes()
    {
        var s = Store(Store(MailboxState.Empty, "d1", "one"), "d2", "two");
        Assert.Equal([1L, 2L], s.Inbox.Keys);
        Assert.Equal(s.Inbox.Values.Sum(m => m.Size), s.InboxBytes);
        Assert.Equal("1." + Now.ToUnixTimeSeconds(), s.Inbox[1].Uid);
        Assert.Equal(2, s.Listing().Select(e => e.Uid).Distinct().Count());
    }

    [Fact]
    public void A_delivery_offered_again_is_answered_with_the_first_copy_and_stores_nothing()
    {
        var s = Store(MailboxState.Empty, "sim-7", "hello");
        var again = s.DecideDelivery("sim-7", Mail("hello"), Now.AddMinutes(1), Limits);
        Assert.Equal(s.Inbox[1].Uid, Assert.IsType<DeliveryDecision.AlreadyStored>(again).Uid);
    }

    [Fact]
    public void A_delivery_offered_again_after_its_message_was_deleted_is_still_recognised()
    {
        var s = Store(MailboxState.Empty, "sim-7", "hello");
        s = s.Apply(s.DecideDeletions([1])!, Limits.MaxFinishedJobs);
        Assert.Empty(s.Inbox);
        Assert.IsType<DeliveryDecision.AlreadyStored>(s.DecideDelivery("sim-7", Mail("hello"), Now, Limits));
    }

    [Fact]
    public void Delivery_ids_of_deleted_messages_are_forgotten_oldest_first_beyond_the_remembered_count()
    {
        var s = MailboxState.Empty;
        for (var i = 0; i <= MailboxState.RememberedDeletedDeliveries; i++)
        {
            s = Store(s, $"d{i}", "x");
            s = s.Apply(s.DecideDeletions([s.NextNumber - 1])!, Limits.MaxFinishedJobs);
        }
        Assert.Equal(MailboxState.RememberedDeletedDeliveries, s.DeletedDeliveryCount);
        Assert.IsType<DeliveryDecision.Store>(s.DecideDelivery("d0", Mail("x"), Now, Limits));
        Assert.IsType<DeliveryDecision.AlreadyStored>(s.DecideDelivery("d1", Mail("x"), Now, Limits));
    }

    [Fact]
    public void A_full_inbox_refuses_by_message_count_and_says_which_limit()
    {
        var limits = Limits with { MaxMessages = 2 };
        var s = Store(Store(MailboxState.Empty, "a", "1", limits), "b", "2", limits);
        var full = Assert.IsType<DeliveryDecision.Full>(s.DecideDelivery("c", Mail("3"), Now, limits));
        Assert.Contains("max-messages = 2", full.Reason);
    }

    [Fact]
    public void A_full_inbox_refuses_by_bytes_and_says_which_limit()
    {
        var limits = Limits with { MaxBytes = 100 };
        var s = Store(MailboxState.Empty, "a", new string('x', 50), limits);
        var full = Assert.IsType<DeliveryDecision.Full>(s.DecideDelivery("b", Mail(new string('y', 50)), Now, limits));
        Assert.Contains("max-bytes = 100", full.Reason);
    }

    [Fact]
    public void Deleting_frees_the_space_and_ignores_numbers_not_in_the_inbox()
    {
        var s = Store(Store(MailboxState.Empty, "a", "1"), "b", "2");
        var deletion = s.DecideDeletions([1, 1, 99])!;
        Assert.Equal([1L], deletion.Numbers.ToArray());
        s = s.Apply(deletion, Limits.MaxFinishedJobs);
        Assert.Equal([2L], s.Inbox.Keys);
        Assert.Equal(s.Inbox[2].Size, s.InboxBytes);
        Assert.Null(s.DecideDeletions([1, 99]));
    }

    [Fact]
    public void Numbers_are_never_reused_after_deletions()
    {
        var s = Store(Store(MailboxState.Empty, "a", "1"), "b", "2");
        s = s.Apply(s.DecideDeletions([1, 2])!, Limits.MaxFinishedJobs);
        s = Store(s, "c", "3");
        Assert.Equal([3L], s.Inbox.Keys);
    }

    [Fact]
    public void Replaying_an_event_twice_changes_nothing_the_second_time()
    {
        var s = MailboxState.Empty;
        var stored = Assert.IsType<DeliveryDecision.Store>(s.DecideDelivery("a", Mail("1"), Now, Limits)).Event;
        var once = s.Apply(stored, 10);
        var twice = once.Apply(stored, 10);
        Assert.Equal(once.InboxBytes, twice.InboxBytes);
        Assert.Single(twice.Inbox);
    }

    [Fact]
    public void A_submission_is_accepted_as_one_event_with_every_job_queued()
    {
        var submit = new SubmitOutgoing("alice", "sub-1", [Job("j1"), Job("j2")]);
        var accept = Assert.IsType<SubmissionDecision.Accept>(MailboxState.Empty.DecideSubmission(submit, "alice", Limits));
        var s = MailboxState.Empty.Apply(accept.Event, 10);
        Assert.Equal(2, s.PendingJobs);
        Assert.All(s.Jobs.Values, j => Assert.Equal(JobState.Queued, j.Status.State));
        Assert.Equal(["j1", "j2"], s.QueuedJobs().Select(j => j.Job.JobId));
    }

    [Fact]
    public void The_same_submission_sent_again_is_answered_accepted_without_a_new_event()
    {
        var submit = new SubmitOutgoing("alice", "sub-1", [Job("j1")]);
        var s = MailboxState.Empty.Apply(((SubmissionDecision.Accept)MailboxState.Empty.DecideSubmission(submit, "alice", Limits)).Event, 10);
        var again = Assert.IsType<SubmissionDecision.AlreadyAccepted>(s.DecideSubmission(submit, "alice", Limits));
        Assert.Equal(["j1"], again.JobIds.ToArray());
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("duplicate")]
    [InlineData("other-user")]
    [InlineData("reused-id")]
    [InlineData("too-many-pending")]
    public void Malformed_or_excess_submissions_are_refused_with_a_reason(string problem)
    {
        var s = MailboxState.Empty.Apply(new OutgoingJobsAccepted("old", [Job("used")]), 10);
        var submit = problem switch
        {
            "empty" => new SubmitOutgoing("alice", "s", []),
            "duplicate" => new SubmitOutgoing("alice", "s", [Job("a"), Job("a")]),
            "other-user" => new SubmitOutgoing("alice", "s", [Job("a", user: "bob")]),
            "reused-id" => new SubmitOutgoing("alice", "s", [Job("used")]),
            _ => new SubmitOutgoing("alice", "s", [Job("a"), Job("b")]),
        };
        var refused = Assert.IsType<SubmissionDecision.Refused>(s.DecideSubmission(submit, "alice", Limits with { MaxPendingJobs = 2 }));
        Assert.False(string.IsNullOrWhiteSpace(refused.Reason));
    }

    [Theory]
    [InlineData(JobState.Queued, JobState.Sending, true)]
    [InlineData(JobState.Queued, JobState.Failed, true)]
    [InlineData(JobState.Queued, JobState.Sent, false)]
    [InlineData(JobState.Queued, JobState.Delivered, false)]
    [InlineData(JobState.Sending, JobState.Sent, true)]
    [InlineData(JobState.Sending, JobState.Queued, true)]
    [InlineData(JobState.Sending, JobState.Delivered, false)]
    [InlineData(JobState.Sent, JobState.Delivered, true)]
    [InlineData(JobState.Sent, JobState.Failed, true)]
    [InlineData(JobState.Sent, JobState.Sending, false)]
    [InlineData(JobState.Delivered, JobState.Failed, false)]
    [InlineData(JobState.Failed, JobState.Queued, false)]
    public void Job_states_follow_the_status_model(JobState from, JobState to, bool allowed) =>
        Assert.Equal(allowed, JobStatus.MayFollow(from, to));

    private static JobStatus StatusOf(JobState state) => state switch
    {
        JobState.Queued => JobStatus.Queued(Now),
        JobState.Sending => JobStatus.Sending("gsm-1", Now),
        JobState.Sent => JobStatus.Sent("gsm-1", [17, 18], Now),
        JobState.Delivered => JobStatus.Delivered(Now),
        _ => JobStatus.Failed("network said no", Now),
    };

    [Fact]
    public void Progress_is_recorded_in_the_history_and_a_repeat_is_unchanged()
    {
        var s = MailboxState.Empty.Apply(new OutgoingJobsAccepted("s", [Job("j")]), 10);
        foreach (var state in new[] { JobState.Sending, JobState.Sent, JobState.Delivered })
        {
            var record = Assert.IsType<ProgressDecision.Record>(s.DecideProgress("j", StatusOf(state)));
            s = s.Apply(record.Event, 10);
        }
        Assert.Equal([JobState.Queued, JobState.Sending, JobState.Sent, JobState.Delivered], s.Jobs["j"].History.Select(h => h.State));
        Assert.Equal([17, 18], s.Jobs["j"].History[2].References.ToArray());
        Assert.Equal(0, s.PendingJobs);
        Assert.IsType<ProgressDecision.Unchanged>(s.DecideProgress("j", JobStatus.Delivered(Now.AddHours(1))));
    }

    [Fact]
    public void Progress_for_an_unknown_job_an_invalid_step_or_missing_details_is_refused()
    {
        var s = MailboxState.Empty.Apply(new OutgoingJobsAccepted("s", [Job("j")]), 10);
        Assert.IsType<ProgressDecision.Refused>(s.DecideProgress("nope", StatusOf(JobState.Sending)));
        Assert.Contains("cannot become delivered", Assert.IsType<ProgressDecision.Refused>(s.DecideProgress("j", StatusOf(JobState.Delivered))).Reason);
        Assert.IsType<ProgressDecision.Refused>(s.DecideProgress("j", new JobStatus(JobState.Sending, Now)));
        Assert.IsType<ProgressDecision.Refused>(s.DecideProgress("j", new JobStatus(JobState.Failed, Now)));
    }

    [Fact]
    public void Finished_jobs_beyond_the_limit_are_forgotten_oldest_first_and_pending_ones_never()
    {
        var s = MailboxState.Empty.Apply(new OutgoingJobsAccepted("s", [Job("a"), Job("b"), Job("c"), Job("d")]), 2);
        foreach (var id in new[] { "c", "a", "b" })
            s = s.Apply(new JobProgressed(id, JobStatus.Failed("no", Now)), maxFinishedJobs: 2);
        Assert.Equal(["b", "c", "d"], s.Jobs.Keys.Order());
        Assert.Equal(1, s.PendingJobs);
    }

    [Fact]
    public void A_job_history_is_bounded_and_keeps_its_first_step()
    {
        var s = MailboxState.Empty.Apply(new OutgoingJobsAccepted("s", [Job("j")]), 10);
        for (var i = 0; i < 200; i++)
            s = s.Apply(new JobProgressed("j", JobStatus.Sending($"gsm-{i % 2}", Now.AddSeconds(i))), 10);
        Assert.Equal(OutgoingJobRecord.MaxHistory, s.Jobs["j"].History.Count);
        Assert.Equal(JobState.Queued, s.Jobs["j"].History[0].State);
        Assert.Equal("gsm-1", s.Jobs["j"].Status.Module);
    }

    [Fact]
    public void Fetch_returns_contents_in_the_order_asked_and_leaves_out_unknown_numbers()
    {
        var s = Store(Store(MailboxState.Empty, "a", "one"), "b", "two");
        var fetched = s.Fetch([2, 7, 1]);
        Assert.Equal([2L, 1L], fetched.Select(f => f.Number));
        Assert.Contains("two", Encoding.ASCII.GetString(fetched[0].Content.AsSpan()));
    }
}
