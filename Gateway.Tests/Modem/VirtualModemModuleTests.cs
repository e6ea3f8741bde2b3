using Akka.Actor;
using Akka.TestKit;
using Gateway.Configuration;
using Gateway.Modem;
using Gateway.Modem.Transport;
using Gateway.Modem.Virtual;
using Gateway.Sms;
using Gateway.Tests.Modem.Support;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Tests.Modem;

/// <summary>
/// The module actor against the virtual modem bank, end to end: in memory (<see cref="VirtualModem.Connect"/>),
/// over TCP (<see cref="VirtualModemServer"/>) and over a socat pty with System.IO.Ports. SMS go to and
/// come from virtual phones through the virtual network; faults are the simulator's own.
/// </summary>
public class VirtualModemModuleTests(ITestOutputHelper output) : ModuleTestKit(output)
{
    private const string Sim = "+420600000001";
    private const string Phone = "+420777123456";

    private static VirtualNetwork Network(TimeSpan? latency = null, bool statusReports = false) =>
        new(VirtualNetworkSettings.Default with { SendLatency = latency ?? TimeSpan.Zero, StatusReports = statusReports, StatusReportDelay = TimeSpan.Zero });

    private static ModuleSettings VirtualModule(string? pin = null) =>
        new("gsm-v", "node-a", "operator-a", ModuleTransport.Virtual, "", 0, "", 0, pin, Sim, ModuleLimits.None);

    private static SmsSubmit[] Parts(string text, bool statusReport = false)
    {
        Assert.True(TextPlanner.TryPlan(text, new SmsEncodingOptions(), out var plan, out var error), error?.Message);
        return [.. TextPlanner.ToSubmits(plan!, new SmsAddress(AddressType.International, Phone), 17, statusReport, null)];
    }

    private static async Task<ReceivedSms> InboxAsync(VirtualPhone phone, int count = 1)
    {
        using var cts = new CancellationTokenSource(Patience);
        return (await phone.WaitForInboxAsync(count, cts.Token))[count - 1];
    }

    /// <summary>Sends through the module, a phone answers, the module hands the answer on and deletes it once confirmed.</summary>
    private async Task RoundTripAsync(IActorRef module, TestProbe status, VirtualNetwork network)
    {
        await ReadyAsync(status);
        const string text = "Dobrý den! A long message to a virtual phone, long enough to need more than one SMS part once it is coded as UCS2 because of the Czech letters: ěščřžýáíé.";
        var parts = Parts(text);
        Assert.True(parts.Length > 1);
        module.Tell(new SendSms("gsm-v", "job-1", parts));
        var sent = await ExpectMsgAsync<SmsSent>(Patience);
        Assert.Equal(parts.Length, sent.MessageReferences.Length);
        var got = await InboxAsync(network.Phone(Phone));
        Assert.Equal((Sim, text, SmsCoding.Ucs2, parts.Length), (got.From, got.Text, got.Coding, got.Parts));

        network.Phone(Phone).Send(Sim, "Thanks, received!");
        var received = await ExpectMsgAsync<SmsReceived>(Patience);
        Assert.Equal((Phone, "Thanks, received!"), (received.Sms.Originator.Value, received.Sms.Text));
        var modem = network.Modem(Sim)!;
        Assert.Single(modem.StoredMessages);
        module.Tell(new ConfirmStored("gsm-v", received.ReceiptId));
        await AwaitConditionAsync(() => Task.FromResult(modem.StoredMessages.IsEmpty), Patience);
    }

    [Fact]
    public async Task The_module_sends_and_receives_through_a_virtual_modem_in_memory()
    {
        var network = Network();
        var modem = network.AddModem(Sim);
        var status = CreateTestProbe();
        var module = Sys.ActorOf(GsmModule.Props(VirtualModule(), Timings, new VirtualTransport(Sim, modem.Connect), TestActor, status.Ref));
        await RoundTripAsync(module, status, network);
    }

    [Fact]
    public async Task The_module_sends_and_receives_through_a_virtual_modem_over_TCP()
    {
        var network = Network();
        var modem = network.AddModem(Sim);
        await using var server = new VirtualModemServer();
        var endpoint = server.Expose(modem);
        var status = CreateTestProbe();
        var module = Sys.ActorOf(GsmModule.Props(TcpModule("gsm-v", endpoint.Port), Timings, new TcpTransport("127.0.0.1", endpoint.Port), TestActor, status.Ref));
        await RoundTripAsync(module, status, network);
    }

    [Fact]
    public async Task The_module_sends_and_receives_through_a_virtual_modem_on_a_pseudo_terminal()
    {
        var network = Network();
        var modem = network.AddModem(Sim);
        await using var server = new VirtualModemServer();
        var endpoint = server.Expose(modem);
        await using var pty = await SocatPty.StartAsync(endpoint.Port);
        var status = CreateTestProbe();
        var settings = new ModuleSettings("gsm-v", "node-a", "operator-a", ModuleTransport.Serial, "", 0, pty.Device, 115200, null, null, ModuleLimits.None);
        var module = Sys.ActorOf(GsmModule.Props(settings, Timings, new SerialTransport(pty.Device, 115200), TestActor, status.Ref));
        await RoundTripAsync(module, status, network);
    }

    [Fact]
    public async Task A_SIM_with_a_PIN_is_unlocked_with_the_modules_PIN()
    {
        var network = Network();
        var modem = network.AddModem(Sim, new VirtualSimOptions(Pin: "4321"));
        var status = CreateTestProbe();
        Sys.ActorOf(GsmModule.Props(VirtualModule("4321"), Timings, new VirtualTransport(Sim, modem.Connect), TestActor, status.Ref));
        await ReadyAsync(status);
    }

    [Fact]
    public async Task SMS_that_reached_the_SIM_while_the_module_was_away_are_handed_on_when_it_opens()
    {
        var network = Network();
        var modem = network.AddModem(Sim);
        network.Phone(Phone).Send(Sim, "sent while nobody listened");
        network.Phone("+420777000111").Send(Sim, string.Concat(Enumerable.Repeat("long text ", 30)));
        await AwaitConditionAsync(() => Task.FromResult(modem.StoredMessages.Length == 3), Patience); // 1 + 2 parts
        var status = CreateTestProbe();
        Sys.ActorOf(GsmModule.Props(VirtualModule(), Timings, new VirtualTransport(Sim, modem.Connect), TestActor, status.Ref));
        var received = new[] { await ExpectMsgAsync<SmsReceived>(Patience), await ExpectMsgAsync<SmsReceived>(Patience), await ExpectMsgAsync<SmsReceived>(Patience) };
        Assert.Contains(received, r => r.Sms.Text == "sent while nobody listened");
        Assert.Equal(2, received.Count(r => r.Sms.Concat is { Total: 2 }));
    }

    [Fact]
    public async Task A_status_report_from_the_virtual_network_is_matched_to_the_part_it_reports()
    {
        var network = Network(statusReports: true);
        var modem = network.AddModem(Sim);
        var status = CreateTestProbe();
        var module = Sys.ActorOf(GsmModule.Props(VirtualModule(), Timings, new VirtualTransport(Sim, modem.Connect), TestActor, status.Ref));
        await ReadyAsync(status);
        module.Tell(new SendSms("gsm-v", "job-sr", Parts("please confirm delivery", statusReport: true)));
        var sent = await ExpectMsgAsync<SmsSent>(Patience);
        var report = await ExpectMsgAsync<StatusReportReceived>(Patience);
        Assert.Equal(("job-sr", 0, sent.MessageReferences[0]), (report.JobId, report.PartIndex, report.Report.MessageReference));
        Assert.Equal(DeliveryOutcome.Delivered, report.Report.Outcome);
    }

    [Fact]
    public async Task Injected_send_errors_fail_the_job_as_the_error_table_says()
    {
        var network = Network();
        var modem = network.AddModem(Sim);
        var status = CreateTestProbe();
        var module = Sys.ActorOf(GsmModule.Props(VirtualModule(), Timings, new VirtualTransport(Sim, modem.Connect), TestActor, status.Ref));
        await ReadyAsync(status);

        modem.Faults.FailSends(AtError.Cms(331), count: 1);
        module.Tell(new SendSms("gsm-v", "job-net", Parts("hi")));
        var failed = await ExpectMsgAsync<SmsSendFailed>(Patience);
        Assert.True(failed.Retryable);
        Assert.Contains("331", failed.Reason);

        modem.Faults.FailSends(AtError.Cms(1), count: 1);
        module.Tell(new SendSms("gsm-v", "job-bad", Parts("hi")));
        failed = await ExpectMsgAsync<SmsSendFailed>(Patience);
        Assert.False(failed.Retryable);

        module.Tell(new SendSms("gsm-v", "job-ok", Parts("hi")));
        await ExpectMsgAsync<SmsSent>(Patience);
    }

    [Fact]
    public async Task A_silent_disconnected_or_vanished_virtual_modem_is_reopened_by_the_bank_and_garbage_does_not_stop_it()
    {
        var network = Network();
        var modem = network.AddModem(Sim);
        var timings = Timings with { HealthInterval = TimeSpan.FromMilliseconds(150), CommandTimeout = TimeSpan.FromMilliseconds(300) };
        var bank = Sys.ActorOf(ModemBank.Props([VirtualModule()], timings, m => ModemTransports.For(m, n => network.Modem(n)!.Connect()), TestActor));
        var watcher = CreateTestProbe();
        bank.Tell(new SubscribeModuleStatus(watcher.Ref));
        await ReadyAsync(watcher);

        modem.Faults.SpewGarbage(500, seed: 3);
        bank.Tell(new SendSms("gsm-v", "job-after-garbage", Parts("still fine")));
        await ExpectMsgAsync<SmsSent>(Patience);

        modem.Faults.Silent = true;
        await StatusAsync(watcher, s => s.State == ModuleState.Down);
        modem.Faults.Silent = false;
        await ReadyAsync(watcher);

        modem.Faults.Disconnect();
        await StatusAsync(watcher, s => s.State == ModuleState.Down);
        await ReadyAsync(watcher);

        modem.Faults.Gone = true;
        modem.Faults.Disconnect();
        await StatusAsync(watcher, s => s.State == ModuleState.Down && s.LastError!.Contains("cannot open"));
        bank.Tell(new SendSms("gsm-v", "job-while-gone", Parts("later")));
        Assert.True((await ExpectMsgAsync<SmsSendFailed>(Patience)).Retryable);
        modem.Faults.Gone = false;
        await ReadyAsync(watcher);
        bank.Tell(new SendSms("gsm-v", "job-back", Parts("back again")));
        await ExpectMsgAsync<SmsSent>(Patience);
    }
}
