using Gateway.Mailbox;
using Gateway.Modem;
using Gateway.Modem.Virtual;
using Gateway.Routing;
using Gateway.Sms;
using Gateway.Tests.Routing.Support;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Tests.Routing;

/// <summary>
/// The router with real mailboxes (SQLite journal), a real modem bank and virtual modems: jobs
/// go out, their progress is recorded, modules are chosen by group policy and sticky hint, and
/// offers of a job already taken change nothing.
/// </summary>
public class SmsRouterTests(ITestOutputHelper output) : RouterTestKit(output)
{
    [Fact]
    public async Task A_job_goes_to_the_phone_and_its_progress_is_recorded_sending_then_sent()
    {
        var rig = Start(Settings(modules: 1));
        await rig.ModulesReadyAsync();
        const string text = "Dobrý den, přijedu v 18:00. This text needs UCS2 because of the Czech letters, and it is long enough for two parts.";
        await rig.SubmitAsync(Job("job-1", text));

        var got = (await rig.InboxAsync(1)).Single();
        Assert.Equal((Sim(1), text, SmsCoding.Ucs2, 2), (got.From, got.Text, got.Coding, got.Parts));
        var record = await rig.JobReachesAsync("alice", "job-1", JobState.Sent);
        Assert.Equal([JobState.Queued, JobState.Sending, JobState.Sent], record.History.Select(h => h.State));
        Assert.Equal("gsm-1", record.Status.Module);
        Assert.Equal(2, record.Status.References.Length);

        // AutoCLIP learns who wrote to the number through which module.
        await AwaitAssertAsync(() =>
        {
            var r = Assert.Single(rig.Records.Recorded);
            Assert.Equal((Phone, "gsm-1", "alice"), (r.Number, r.Module, r.User));
        }, Patience);
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task With_hold_until_recorded_each_job_tells_its_module_once_sent_is_stored_so_the_next_goes_without_waiting_out_record_wait()
    {
        // A record-wait of a minute: a job that failed to tell its module would hold the next one that long.
        var rig = Start(Settings(modules: 1, extra: "gateway.modem { hold-until-recorded = on, record-wait = 60s }"));
        await rig.ModulesReadyAsync();
        await EventFilter.Warning(contains: "was not confirmed within").ExpectAsync(0, async () =>
        {
            await rig.SubmitAsync([.. Enumerable.Range(1, 4).Select(i => Job($"job-{i}", $"held {i}", to: $"+42077700000{i}"))]);
            for (var i = 1; i <= 4; i++)
                Assert.Equal(["Queued", "Sending", "Sent"], (await rig.JobReachesAsync("alice", $"job-{i}", JobState.Sent)).History.Select(h => h.State.ToString()));
        });
        Assert.Equal(4, rig.Modem(1).Status().Sent);
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task A_GSM7_text_goes_as_GSM7_and_the_extension_characters_survive()
    {
        var rig = Start(Settings(modules: 1));
        await rig.ModulesReadyAsync();
        const string text = "Price: 5€ [incl. VAT] {ok} ~ ^ | \\";
        await rig.SubmitAsync(Job("job-1", text));
        var got = (await rig.InboxAsync(1)).Single();
        Assert.Equal((text, SmsCoding.Gsm7, 1), (got.Text, got.Coding, got.Parts));
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task Least_busy_spreads_jobs_over_the_groups_modules()
    {
        var rig = Start(Settings(modules: 3, extra: "gateway.virtual-network.send-latency = 50ms"));
        await rig.ModulesReadyAsync();
        var phones = Enumerable.Range(1, 12).Select(i => $"+4207770000{i:00}").ToArray();
        await rig.SubmitAsync([.. Enumerable.Range(1, 12).Select(i => Job($"job-{i}", $"message {i}", to: phones[i - 1]))]);

        var inbox = new List<ReceivedSms>();
        foreach (var phone in phones) inbox.AddRange(await rig.InboxAsync(1, phone));
        var perSim = inbox.GroupBy(m => m.From).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, perSim.Count);
        Assert.All(perSim.Values, n => Assert.InRange(n, 2, 6));
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"message {i}").Order(), inbox.Select(m => m.Text).Order());
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task Round_robin_takes_the_modules_in_turn()
    {
        var rig = Start(Settings(modules: 3, extra: "gateway.sms-groups.operator-a.selection = round-robin"));
        await rig.ModulesReadyAsync();
        var senders = new List<string>();
        for (var i = 1; i <= 6; i++)
        {
            // One at a time, so each choice sees idle modules and only the turn decides; a number
            // each, so no AutoCLIP record makes one module sticky.
            var phone = $"+42077700000{i}";
            await rig.SubmitAsync(Job($"job-{i}", $"message {i}", to: phone));
            senders.Add((await rig.InboxAsync(1, phone)).Single().From);
        }
        Assert.Equal([Sim(1), Sim(2), Sim(3), Sim(1), Sim(2), Sim(3)], senders);
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task The_module_AutoCLIP_names_for_the_user_and_number_is_preferred()
    {
        var sticky = new Dictionary<(string, string), string> { [("alice", Phone)] = "gsm-3" };
        var rig = Start(Settings(modules: 3), sticky: sticky);
        await rig.ModulesReadyAsync();
        await rig.SubmitAsync(Job("job-1", "to the conversation's module"), Job("job-2", "another one"), Job("job-3", "bob's", user: "bob"));

        var inbox = await rig.InboxAsync(3);
        Assert.Equal(Sim(3), inbox.Single(m => m.Text == "to the conversation's module").From);
        Assert.Equal(Sim(3), inbox.Single(m => m.Text == "another one").From);
        Assert.Equal("gsm-1", (await rig.JobReachesAsync("bob", "job-3", JobState.Sent)).Status.Module); // no record for bob: least-busy
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task A_job_offered_again_while_it_is_being_sent_goes_out_once()
    {
        var rig = Start(Settings(modules: 1, extra: """
            gateway.virtual-network.send-latency = 300ms
            gateway.mail.mailbox.job-reoffer-after = 20ms
            """));
        await rig.ModulesReadyAsync();
        await rig.SubmitAsync(Job("job-1", "once"), Job("job-2", "twice?"), Job("job-3", "thrice?"));
        await rig.JobReachesAsync("alice", "job-3", JobState.Sent);
        await AwaitAssertAsync(async () => Assert.Equal(0, (await rig.StatusAsync()).ActiveJobs), Patience);
        // The mailbox offered the waiting jobs again and again while they were queued; the router
        // took each once. A late offer of a finished job starts nothing (the status is asked after it, from the same sender).
        rig.Router.Tell(new OutgoingJobQueued(Job("job-1", "once")), TestActor);
        rig.Router.Tell(GetRouterStatus.Instance, TestActor);
        var status = await ExpectMsgAsync<RouterStatus>(Patience);
        Assert.Equal((0, 0), (status.ActiveJobs, status.WaitingForModule));
        Assert.Equal(3, rig.Phone().Inbox.Length);
        Assert.Equal(3, rig.Modem(1).Status().Sent);
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task A_job_whose_rule_no_longer_matches_fails_with_a_bounce_instead_of_being_sent()
    {
        var rig = Start(Settings(modules: 1));
        await rig.ModulesReadyAsync();
        await rig.SubmitAsync(Job("job-1", "to Slovakia", to: "+421905123456"));
        var record = await rig.JobReachesAsync("alice", "job-1", JobState.Failed);
        Assert.Equal("no outgoing rule lets alice send to +421905123456", record.Status.Reason);
        var bounce = Assert.Single(await rig.MailsReachAsync("alice", 1));
        Assert.Contains("Subject: SMS to +421905123456 not sent", bounce);
        Assert.Contains("to Slovakia", bounce);
        Assert.Equal(0, rig.Modem(1).Status().Sent);
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task A_text_prefix_rule_routes_through_its_group_and_the_prefix_is_not_sent()
    {
        var settings = Settings(modules: 2, extra: """
            gateway {
              sms-groups.operator-b {}
              modules.gsm-2.group = operator-b
              users.alice.sms-groups = [operator-a, operator-b]
              routing.outgoing = [
                { destinations = ["+420*"], groups = [operator-b], text-prefix = "#b" }
                { destinations = ["+420*"], groups = [operator-a] }
              ]
            }
            """);
        var rig = Start(settings);
        await rig.ModulesReadyAsync();
        await rig.SubmitAsync(Job("job-1", "#B  via the second operator"), Job("job-2", "plain"));
        var inbox = await rig.InboxAsync(2);
        Assert.Equal(Sim(2), inbox.Single(m => m.Text == "via the second operator").From);
        Assert.Equal(Sim(1), inbox.Single(m => m.Text == "plain").From);
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task Rules_with_hours_use_the_time_the_mail_was_accepted_in_the_nodes_zone()
    {
        var prague = TimeZoneInfo.FindSystemTimeZoneById("Europe/Prague");
        var time = new Gateway.Tests.Support.ManualTime(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(1)), prague);
        var settings = Settings(modules: 2, extra: """
            gateway {
              sms-groups.night {}
              modules.gsm-2.group = night
              users.alice.sms-groups = [operator-a, night]
              routing.outgoing = [
                { destinations = ["+420*"], groups = [operator-a], hours = "08:00-18:00" }
                { destinations = ["+420*"], groups = [night] }
              ]
            }
            """);
        var rig = Start(settings, time);
        await rig.ModulesReadyAsync();
        var day = new DateTimeOffset(2026, 11, 23, 16, 59, 0, TimeSpan.Zero);   // 17:59 in Prague
        var night = new DateTimeOffset(2026, 11, 23, 17, 0, 0, TimeSpan.Zero);  // 18:00 in Prague
        await rig.SubmitAsync(Job("day", "day", acceptedAt: day), Job("night", "night", acceptedAt: night));
        var inbox = await rig.InboxAsync(2);
        Assert.Equal(Sim(1), inbox.Single(m => m.Text == "day").From);
        Assert.Equal(Sim(2), inbox.Single(m => m.Text == "night").From);
        await NoErrorsLoggedAsync();
    }
}
