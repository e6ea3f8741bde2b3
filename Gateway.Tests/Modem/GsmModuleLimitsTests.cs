using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Gateway.Configuration;
using Gateway.Modem;
using Gateway.Modem.Transport;
using Gateway.Modem.Virtual;
using Gateway.Sms;
using Gateway.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Tests.Modem;

/// <summary>
/// A module's sending limits (modules.&lt;name&gt;.limits), enforced by the module on a virtual modem
/// with its usage counter on a real SQLite journal: parts per day, refusal of a job that would
/// cross the limit (skipped, not failed), the count surviving a restart, min-interval pacing.
/// </summary>
public class GsmModuleLimitsTests : Akka.TestKit.Xunit2.TestKit
{
    private const string Sim = "+420600000001";
    private const string Phone = "+420777123456";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private static readonly TimeZoneInfo Prague = TimeZoneInfo.FindSystemTimeZoneById("Europe/Prague");

    private readonly VirtualNetwork _network = new(VirtualNetworkSettings.Default with { SendLatency = TimeSpan.Zero, StatusReports = false });
    private readonly VirtualModem _modem;
    private readonly ManualTime _clock = new(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(1)), Prague);

    public GsmModuleLimitsTests(ITestOutputHelper output) : this(new SqliteJournal(), output) { }

    private GsmModuleLimitsTests(SqliteJournal journal, ITestOutputHelper output)
        : base(journal.AkkaConfig.WithFallback(ConfigurationFactory.ParseString(ModemSerializer.Hocon + "\nakka.stdout-loglevel = WARNING")), output: output)
    {
        _modem = _network.AddModem(Sim);
    }

    private static readonly ModemSettings Timings = ModemSettings.Default with
    {
        CommandTimeout = TimeSpan.FromSeconds(3),
        SendTimeout = TimeSpan.FromSeconds(3),
        HealthInterval = TimeSpan.FromHours(1),
        StoreConfirmTimeout = TimeSpan.FromHours(1),
    };

    private IActorRef StartModule(ModuleLimits limits, TestProbe status) =>
        Sys.ActorOf(GsmModule.Props(
            new ModuleSettings("gsm-1", "node-a", "operator-a", ModuleTransport.Virtual, "", 0, "", 0, null, Sim, limits),
            Timings, new VirtualTransport(Sim, _modem.Connect), ActorRefs.Nobody, status.Ref, _clock));

    private static SmsSubmit[] Parts(string text)
    {
        Assert.True(TextPlanner.TryPlan(text, new SmsEncodingOptions(), out var plan, out _));
        return [.. TextPlanner.ToSubmits(plan!, new SmsAddress(AddressType.International, Phone), 9, false, null)];
    }

    private static async Task<ModuleStatus> StatusAsync(TestProbe probe, Func<ModuleStatus, bool> wanted) =>
        (ModuleStatus)await probe.FishForMessageAsync(m => m is ModuleStatus s && wanted(s), Patience);

    private async Task StopAsync(IActorRef module)
    {
        var watcher = CreateTestProbe();
        watcher.Watch(module);
        module.Tell(PoisonPill.Instance);
        await watcher.ExpectTerminatedAsync(module, Patience);
    }

    [Fact]
    public async Task Parts_are_counted_and_a_job_that_would_cross_the_daily_limit_is_refused_as_at_limit_not_failed()
    {
        var status = CreateTestProbe();
        var module = StartModule(new ModuleLimits(PerDay: 4, PerMonth: 0, MinInterval: TimeSpan.Zero), status);
        await StatusAsync(status, s => s.State == ModuleState.Ready);

        var threeParts = Parts(string.Concat(Enumerable.Repeat("GSM-7 text for three parts. ", 16)));
        Assert.Equal(3, threeParts.Length);
        module.Tell(new SendSms("gsm-1", "job-1", threeParts));
        await ExpectMsgAsync<SmsSent>(Patience);
        var after = await StatusAsync(status, s => s.Usage?.SentToday == 3);
        Assert.Equal((1, false), (after.Usage!.RemainingToday, after.Usage.AtLimit));

        module.Tell(new SendSms("gsm-1", "job-2", Parts(string.Concat(Enumerable.Repeat("Two parts of text. ", 10)))));
        var refused = await ExpectMsgAsync<SmsSendFailed>(Patience);
        Assert.Equal((true, true, 0), (refused.Retryable, refused.ModuleAtLimit, refused.PartsSent));
        Assert.Contains("daily limit: 3 of 4 parts sent today, this SMS needs 2", refused.Reason);

        module.Tell(new SendSms("gsm-1", "job-3", Parts("one more part fits")));
        await ExpectMsgAsync<SmsSent>(Patience);
        Assert.True((await StatusAsync(status, s => s.Usage?.SentToday == 4)).Usage!.AtLimit);
        Assert.Equal(4, _modem.Status().Sent);
    }

    [Fact]
    public async Task The_count_survives_the_module_being_reopened_and_the_bank_restarting_and_a_new_day_starts_it_again()
    {
        var settings = new ModuleSettings("gsm-1", "node-a", "operator-a", ModuleTransport.Virtual, "", 0, "", 0, null, Sim,
            new ModuleLimits(PerDay: 2, PerMonth: 10, MinInterval: TimeSpan.Zero));
        IActorRef StartBank(TestProbe status)
        {
            var bank = Sys.ActorOf(ModemBank.Props([settings], Timings with { ReopenBackoffMin = TimeSpan.FromMilliseconds(100), ReopenBackoffMax = TimeSpan.FromMilliseconds(200) },
                _ => new VirtualTransport(Sim, _modem.Connect), ActorRefs.Nobody, _clock));
            bank.Tell(new SubscribeModuleStatus(status.Ref));
            return bank;
        }

        var status = CreateTestProbe();
        var bank = StartBank(status);
        await StatusAsync(status, s => s.State == ModuleState.Ready);
        bank.Tell(new SendSms("gsm-1", "job-1", Parts("one")));
        bank.Tell(new SendSms("gsm-1", "job-2", Parts("two")));
        await ExpectMsgAsync<SmsSent>(Patience);
        await ExpectMsgAsync<SmsSent>(Patience);
        await StatusAsync(status, s => s.Usage?.AtLimit == true);

        // The modem drops its line: the module goes down and the bank opens it again; the count is kept.
        _modem.Faults.Disconnect();
        await StatusAsync(status, s => s.State == ModuleState.Down);
        var reopened = await StatusAsync(status, s => s.State == ModuleState.Ready);
        Assert.Equal((2, true), (reopened.Usage!.SentToday, reopened.Usage.AtLimit));

        // The whole bank stops (the node restarts): the count is read back from the journal.
        await StopAsync(bank);
        status = CreateTestProbe();
        bank = StartBank(status);
        var restarted = await StatusAsync(status, s => s.State == ModuleState.Ready);
        Assert.Equal((2, 2, true), (restarted.Usage!.SentToday, restarted.Usage.SentThisMonth, restarted.Usage.AtLimit));
        bank.Tell(new SendSms("gsm-1", "job-3", Parts("three")));
        Assert.True((await ExpectMsgAsync<SmsSendFailed>(Patience)).ModuleAtLimit);

        _clock.Advance(TimeSpan.FromDays(1));
        bank.Tell(new SendSms("gsm-1", "job-4", Parts("the next day")));
        await ExpectMsgAsync<SmsSent>(Patience);
        var nextDay = await StatusAsync(status, s => s.Usage?.SentThisMonth == 3);
        Assert.Equal((1, 1), (nextDay.Usage!.SentToday, nextDay.Usage.RemainingToday));
    }

    [Fact]
    public async Task Min_interval_pacing_holds_the_next_part_until_the_interval_has_passed()
    {
        var status = CreateTestProbe();
        var module = StartModule(new ModuleLimits(0, 0, MinInterval: TimeSpan.FromHours(1)), status);
        await StatusAsync(status, s => s.State == ModuleState.Ready);
        module.Tell(new SendSms("gsm-1", "job-1", Parts("first")));
        await ExpectMsgAsync<SmsSent>(Patience);
        module.Tell(new SendSms("gsm-1", "job-2", Parts("second")));
        var paced = await StatusAsync(status, s => s.QueueLength + s.InFlight == 1 && s.Usage?.NextSendAt is not null);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromHours(1), paced.Usage!.NextSendAt);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500));
        Assert.Equal(1, _modem.Status().Sent);

        // An hour later (on the module's clock) the next dispatch lets it go.
        _clock.Advance(TimeSpan.FromHours(1));
        module.Tell(new SendSms("gsm-1", "job-3", Parts("third")));
        Assert.Equal("job-2", (await ExpectMsgAsync<SmsSent>(Patience)).JobId);
    }
}
