using Akka.Actor;
using Gateway.Mailbox;
using Gateway.Modem;
using Gateway.Modem.Virtual;
using Gateway.Routing;
using Gateway.Tests.Routing.Support;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Tests.Routing;

/// <summary>
/// Failures on the way out, injected in the virtual modems: errors, silence, no network, a module
/// that never answers; retries, failover, back-off, and the bounce that ends a job that cannot go.
/// </summary>
public class FailoverTests(ITestOutputHelper output) : RouterTestKit(output)
{
    [Fact]
    public async Task A_module_that_answers_errors_is_left_for_another_module_of_the_group()
    {
        var rig = Start(Settings(modules: 2));
        await rig.ModulesReadyAsync();
        rig.Modem(1).Faults.FailSends(AtError.Cms(38)); // network out of order: retryable
        await rig.SubmitAsync(Job("job-1", "through the second module"));

        var got = (await rig.InboxAsync(1)).Single();
        Assert.Equal(Sim(2), got.From);
        var record = await rig.JobReachesAsync("alice", "job-1", JobState.Sent);
        Assert.Equal(["gsm-1", "gsm-2"], Modules(record, JobState.Sending));
        Assert.Equal("gsm-2", record.Status.Module);
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task A_module_that_goes_silent_is_left_for_another_module()
    {
        var rig = Start(Settings(modules: 2, extra: "gateway.modem { command-timeout = 500ms, send-timeout = 500ms }"));
        await rig.ModulesReadyAsync();
        rig.Modem(1).Faults.Silent = true;
        await rig.SubmitAsync(Job("job-1", "past the silent one"));

        Assert.Equal(Sim(2), (await rig.InboxAsync(1)).Single().From);
        var record = await rig.JobReachesAsync("alice", "job-1", JobState.Sent);
        Assert.Equal(["gsm-1", "gsm-2"], Modules(record, JobState.Sending));
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task A_module_that_never_answers_is_given_up_after_the_routers_own_time_limit()
    {
        // gsm-1 looks ready, but its sends go to a node that died: nothing ever answers them.
        var settings = Settings(modules: 2, extra: """
            gateway.modem { command-timeout = 300ms, send-timeout = 300ms }
            gateway.routing.sending.send-guard-margin = 200ms
            """);
        var rig = Start(settings);
        await rig.ModulesReadyAsync();
        await rig.StopRoutingAsync();
        var blackHole = Sys.ActorOf(Props.Create(() => new BlackHole()));
        rig.StartRouting(bank => new DeadNodeFor("gsm-1", new LocalModemBank(bank), blackHole));
        await rig.ModulesReadyAsync();
        await rig.SubmitAsync(Job("job-1", "not lost with the dead node"));

        Assert.Equal(Sim(2), (await rig.InboxAsync(1)).Single().From);
        var record = await rig.JobReachesAsync("alice", "job-1", JobState.Sent);
        Assert.Equal(["gsm-1", "gsm-2"], Modules(record, JobState.Sending));
        Assert.Equal(0, (await rig.StatusAsync()).Modules["gsm-1"].Handed); // the window slot came back with the time limit
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task A_permanent_refusal_fails_the_job_at_once_with_a_bounce_naming_the_number_the_reason_and_the_text()
    {
        var rig = Start(Settings(modules: 2));
        await rig.ModulesReadyAsync();
        rig.Modem(1).Faults.FailSends(AtError.Cms(30)); // unknown subscriber: the message itself cannot go
        rig.Modem(2).Faults.FailSends(AtError.Cms(30));
        await rig.SubmitAsync(Job("job-1", "Ahoj, tohle nedojde.", messageId: "orig@client.example"));

        var record = await rig.JobReachesAsync("alice", "job-1", JobState.Failed);
        Assert.Equal(["gsm-1"], Modules(record, JobState.Sending));
        Assert.Contains("refused for good by gsm-1", record.Status.Reason);
        Assert.Contains("unknown subscriber", record.Status.Reason);

        var bounce = Mail(Assert.Single(await rig.MailsReachAsync("alice", 1)));
        Assert.Equal("SMS to +420777123456 not sent", bounce.Subject);
        Assert.Equal("mailer-daemon@sms.example.net", bounce.From.Mailboxes.Single().Address);
        Assert.Equal("orig@client.example", bounce.InReplyTo);
        Assert.Contains("unknown subscriber", bounce.TextBody);
        Assert.Contains("Ahoj, tohle nedojde.", bounce.TextBody);
        Assert.Equal(0, rig.Phone().Inbox.Length);
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task After_max_attempts_over_every_module_and_round_the_job_bounces()
    {
        var rig = Start(Settings(modules: 2, extra: "gateway.routing.sending.max-attempts = 3"));
        await rig.ModulesReadyAsync();
        rig.Modem(1).Faults.FailSends(AtError.Cms(42)); // congestion: retryable
        rig.Modem(2).Faults.FailSends(AtError.Cms(42));
        await rig.SubmitAsync(Job("job-1", "never through"));

        var record = await rig.JobReachesAsync("alice", "job-1", JobState.Failed);
        Assert.Equal(3, Modules(record, JobState.Sending).Length);
        Assert.StartsWith("gave up after 3 attempt(s); the last: gsm-", record.Status.Reason);
        Assert.Contains("congestion", record.Status.Reason);
        Assert.Contains("never through", Assert.Single(await rig.MailsReachAsync("alice", 1)));
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task With_no_module_usable_a_job_waits_and_goes_when_one_comes_back()
    {
        var rig = Start(Settings(modules: 1, extra: "gateway.routing.sending.no-module-wait = 20s"));
        await rig.ModulesReadyAsync();
        rig.Modem(1).Faults.NoNetwork = true; // the module reports +CREG: 2 and is skipped
        await AwaitAssertAsync(async () => Assert.False((await rig.StatusAsync()).Modules["gsm-1"].Status!.Registered), Patience);
        await rig.SubmitAsync(Job("job-1", "after the outage"));
        await AwaitAssertAsync(async () => Assert.Equal(JobState.Queued, (await rig.JobAsync("alice", "job-1")).Status.State), Patience);

        rig.Modem(1).Faults.NoNetwork = false;
        Assert.Equal("after the outage", (await rig.InboxAsync(1)).Single().Text);
        await rig.JobReachesAsync("alice", "job-1", JobState.Sent);
        await NoErrorsLoggedAsync();
    }

    [Fact]
    public async Task With_no_module_usable_for_no_module_wait_the_job_bounces_saying_why()
    {
        var rig = Start(Settings(modules: 1, extra: "gateway.routing.sending.no-module-wait = 1s"));
        await rig.ModulesReadyAsync();
        rig.Modem(1).Faults.NoNetwork = true;
        await AwaitAssertAsync(async () => Assert.False((await rig.StatusAsync()).Modules["gsm-1"].Status!.Registered), Patience);
        await rig.SubmitAsync(Job("job-1", "no network anywhere"));

        var record = await rig.JobReachesAsync("alice", "job-1", JobState.Failed);
        Assert.Equal("no module could take it for 1s (operator-a: gsm-1 not registered with the network)", record.Status.Reason);
        var bounce = Assert.Single(await rig.MailsReachAsync("alice", 1));
        Assert.Contains("no module could take it for 1s", bounce);
        Assert.Contains("no network anywhere", bounce);
        await NoErrorsLoggedAsync();
    }

    /// <summary>Takes every message and answers none: a module whose node died.</summary>
    private sealed class BlackHole : ReceiveActor
    {
        public BlackHole() => ReceiveAny(_ => { });
    }

    /// <summary>The bank's statuses, but sends for one module go to a node that died.</summary>
    private sealed class DeadNodeFor(string module, IModuleNetwork real, IActorRef deadNode) : IModuleNetwork
    {
        public void Subscribe(IActorRef subscriber) => real.Subscribe(subscriber);

        public IActorRef SendTarget(string m) => m == module ? deadNode : real.SendTarget(m);
    }
}
