using Gateway.Mailbox;
using Gateway.Modem;
using Gateway.Routing;
using Gateway.Sms;
using Gateway.Tests.Routing.Support;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Tests.Routing;

/// <summary>
/// Status reports from the virtual network back to jobs: per part, through the persistent
/// sent-parts index, also after the router and the modules restarted and the module no longer
/// knows whose TP-MR it was.
/// </summary>
public class StatusReportTests(ITestOutputHelper output) : RouterTestKit(output)
{
    private static string Reports(string delay = "0ms") => $$"""
        gateway.virtual-network { status-reports = on, status-report-delay = {{delay}} }
        gateway.users.alice.notify = all
        """;

    [Fact]
    public async Task A_three_part_SMS_is_delivered_when_every_part_is_and_the_user_who_wants_it_is_told()
    {
        var rig = Start(Settings(modules: 1, extra: Reports()));
        await rig.ModulesReadyAsync();
        var text = string.Concat(Enumerable.Repeat("Three parts of GSM-7 text. ", 16));
        await rig.SubmitAsync(Job("job-1", text));

        var record = await rig.JobReachesAsync("alice", "job-1", JobState.Delivered);
        Assert.Equal([JobState.Queued, JobState.Sending, JobState.Sent, JobState.Delivered], record.History.Select(h => h.State));
        Assert.Equal(3, record.History.Single(h => h.State == JobState.Sent).References.Length);
        var notice = Mail(Assert.Single(await rig.MailsReachAsync("alice", 1)));
        Assert.Equal("SMS to +420777123456 delivered", notice.Subject);
        Assert.Contains("(all 3 parts)", notice.TextBody);
        Assert.Contains("The SMS began:", notice.TextBody);
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task Status_reports_are_acknowledged_so_the_modem_keeps_routing_them_directly()
    {
        // A modem that gets no AT+CNMA for a +CDS within its ack timeout turns direct reports off
        // (+CNMI ds=0) and drops later ones; the module acknowledges every one.
        var rig = Start(Settings(modules: 1, extra: Reports() + "\ngateway.virtual-network.ack-timeout = 1s"));
        await rig.ModulesReadyAsync();
        await rig.SubmitAsync(Job("job-1", "first"));
        await rig.JobReachesAsync("alice", "job-1", JobState.Delivered);
        await AwaitAssertAsync(() => Assert.Equal(0, rig.Modem(1).Status().AwaitingAck), Patience);
        Assert.Equal(1, rig.Modem(1).Status().Indications.Ds);

        await rig.SubmitAsync(Job("job-2", "second", to: "+420777000222"));
        await rig.JobReachesAsync("alice", "job-2", JobState.Delivered);
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task A_report_that_the_network_gave_up_fails_the_job_and_tells_a_user_with_the_default_notify()
    {
        var rig = Start(Settings(modules: 1, extra: Reports()));
        await rig.ModulesReadyAsync();
        rig.Network.SetDeliveryOutcome("+420777000666", DeliveryOutcome.Failed);
        await rig.SubmitAsync(Job("job-1", "to a dead phone", to: "+420777000666", user: "bob"));

        var record = await rig.JobReachesAsync("bob", "job-1", JobState.Failed);
        Assert.StartsWith("not delivered: ", record.Status.Reason);
        var notice = Mail(Assert.Single(await rig.MailsReachAsync("bob", 1)));
        Assert.Equal("SMS to +420777000666 not delivered", notice.Subject);
        Assert.Contains("to a dead phone", notice.TextBody);
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task A_report_that_arrives_after_the_router_and_the_modules_restarted_is_matched_by_the_persistent_index()
    {
        var rig = Start(Settings(modules: 1, extra: Reports(delay: "3s")));
        await rig.ModulesReadyAsync();
        await rig.SubmitAsync(Job("job-1", "reported after a restart"));
        await rig.JobReachesAsync("alice", "job-1", JobState.Sent);

        // The router and the bank (with its modules) go down and come back well before the report is due.
        await rig.StopRoutingAsync();
        rig.StartRouting();

        // The new module hands on the report without a job (it never sent that TP-MR); the index knows it.
        var record = await rig.JobReachesAsync("alice", "job-1", JobState.Delivered);
        Assert.Equal("gsm-1", record.Status.Module);
        Assert.Equal("SMS to +420777123456 delivered", Mail(Assert.Single(await rig.MailsReachAsync("alice", 1))).Subject);
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task Outcomes_written_to_their_mailboxes_are_stored_as_paid_in_one_event_and_not_written_again_after_a_restart()
    {
        var rig = Start(Settings(modules: 1, extra: Reports()));
        await rig.ModulesReadyAsync();
        string[] jobs = ["job-1", "job-2", "job-3"];
        await rig.SubmitAsync([.. jobs.Select((j, i) => Job(j, $"SMS {i}", to: $"+42077700000{i}"))]);
        foreach (var job in jobs) await rig.JobReachesAsync("alice", job, JobState.Delivered);
        await rig.MailsReachAsync("alice", jobs.Length);

        // Three sends, three reports, and one event for the three payments (not one per SMS).
        var index = SentPartsIndex.PersistenceIdFor("gsm-1");
        await AwaitAssertAsync(() => Assert.Contains("D2", Journal.JournalManifests(index)), Patience, TimeSpan.FromMilliseconds(100));
        Assert.Equal(["D2", "P1", "P1", "P1", "R1", "R1", "R1"], Journal.JournalManifests(index).Order());

        // Nothing is owed any more: a restart writes no outcome again and the user gets no second notice.
        await EventFilter.Info(contains: "not yet in their mailboxes").ExpectAsync(0, async () =>
        {
            await rig.StopRoutingAsync();
            rig.StartRouting();
            await rig.ModulesReadyAsync();
        });
        Assert.Equal(jobs.Length, (await rig.MailsAsync("alice")).Count);
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task An_outcome_paid_but_not_yet_stored_when_the_node_stops_is_written_again_and_the_mailbox_takes_it_once()
    {
        var rig = Start(Settings(modules: 1, extra: Reports()));
        await rig.ModulesReadyAsync();
        await rig.SubmitAsync(Job("job-1", "paid, then the node stops"));
        await rig.JobReachesAsync("alice", "job-1", JobState.Delivered);
        await rig.MailsReachAsync("alice", 1);
        await rig.StopRoutingAsync(); // normally well within the second the payment waits to be stored with others

        rig.StartRouting();
        await rig.ModulesReadyAsync();
        await AwaitAssertAsync(() => Assert.Contains("D2", Journal.JournalManifests(SentPartsIndex.PersistenceIdFor("gsm-1"))), Patience, TimeSpan.FromMilliseconds(100));
        Assert.Equal(JobState.Delivered, (await rig.JobAsync("alice", "job-1")).Status.State);
        Assert.Single(await rig.MailsAsync("alice"));
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task A_report_for_a_TP_MR_nobody_remembers_or_for_another_recipient_changes_nothing()
    {
        var rig = Start(Settings(modules: 1, extra: Reports(delay: "1h") + "\ngateway.routing.sending.ack-timeout = 200ms"));
        await rig.ModulesReadyAsync();
        await rig.SubmitAsync(Job("job-1", "a report for someone else must not touch this"));
        var sent = await rig.JobReachesAsync("alice", "job-1", JobState.Sent);
        var mr = sent.Status.References.Single();
        var t = DateTimeOffset.UtcNow;

        SmsStatusReport Report(int reference, string to, int status) => new(reference, new SmsAddress(AddressType.International, to), t, t, status);

        await EventFilter.Warning(contains: "not matched").ExpectAsync(2, () =>
        {
            rig.Router.Tell(new StatusReportReceived("gsm-1", Report((mr + 1) % 256, Phone, 0), null, null), TestActor);     // nobody sent under it
            rig.Router.Tell(new StatusReportReceived("gsm-1", Report(mr, "+420777999999", 0), null, null), TestActor);      // another recipient
            rig.Router.Tell(new StatusReportReceived("gsm-9", Report(mr, Phone, 0), null, null), TestActor);                // a module not driven here
            rig.Router.Tell(new StatusReportReceived("gsm-1", Report(mr, Phone, 0x21), "job-1", 0), TestActor);             // pending: only logged
            return Task.CompletedTask;
        }, Patience);
        Assert.Equal(JobState.Sent, (await rig.JobAsync("alice", "job-1")).Status.State);
        Assert.Empty(await rig.MailsAsync("alice"));
        await NoErrorsLoggedAsync();
    }
}
