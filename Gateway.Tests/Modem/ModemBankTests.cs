using Akka.Actor;
using Akka.TestKit;
using Gateway.Configuration;
using Gateway.Modem;
using Gateway.Modem.Transport;
using Gateway.Sms;
using Gateway.Tests.Modem.Support;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Tests.Modem;

public class ModemBankTests(ITestOutputHelper output) : ModuleTestKit(output)
{
    private IActorRef StartBank(ModemSettings timings, params ModuleSettings[] modules) =>
        Sys.ActorOf(ModemBank.Props(modules, timings, m => new TcpTransport(m.Host, m.Port), TestActor));

    private async Task<ModuleStatus> BankStatusAsync(TestProbe probe, string module, Func<ModuleStatus, bool> wanted) =>
        await StatusAsync(probe, s => s.Module == module && wanted(s));

    [Fact]
    public async Task A_silent_modem_is_closed_and_reopened_under_back_off_and_comes_back_ready()
    {
        await using var modem = ScriptedModem.Start();
        var timings = Timings with { HealthInterval = TimeSpan.FromMilliseconds(150), CommandTimeout = TimeSpan.FromMilliseconds(300), DeadAfterTimeouts = 2 };
        var bank = StartBank(timings, TcpModule("gsm-1", modem.Port));
        var watcher = CreateTestProbe();
        bank.Tell(new SubscribeModuleStatus(watcher.Ref));
        await BankStatusAsync(watcher, "gsm-1", s => s.State == ModuleState.Ready);

        modem.Silent = true;
        var down = await BankStatusAsync(watcher, "gsm-1", s => s.State == ModuleState.Down && s.ReopenAt is not null);
        Assert.Contains("2 commands in a row unanswered", down.LastError);
        Assert.False(down.NeedsOperator);

        modem.Silent = false;
        await BankStatusAsync(watcher, "gsm-1", s => s.State == ModuleState.Ready);
        Assert.True(modem.Connections >= 2);
    }

    [Fact]
    public async Task A_dropped_connection_is_noticed_and_after_reopening_the_SIM_is_listed_again()
    {
        await using var modem = ScriptedModem.Start();
        var bank = StartBank(Timings, TcpModule("gsm-1", modem.Port));
        var watcher = CreateTestProbe();
        bank.Tell(new SubscribeModuleStatus(watcher.Ref));
        await BankStatusAsync(watcher, "gsm-1", s => s.State == ModuleState.Ready);
        await modem.NextMatchingAsync("AT+CMGL=4");

        modem.Drop();
        var down = await BankStatusAsync(watcher, "gsm-1", s => s.State == ModuleState.Down);
        Assert.Contains("end of stream", down.LastError);
        await BankStatusAsync(watcher, "gsm-1", s => s.State == ModuleState.Ready);
        var (_, reinit) = await modem.NextMatchingAsync("AT+CMGL=4");
        Assert.Contains("ATE0", reinit);
        Assert.Equal(2, modem.Connections);
    }

    [Fact]
    public async Task One_unreachable_modem_keeps_failing_on_its_own_while_its_neighbour_stays_ready()
    {
        await using var good = ScriptedModem.Start();
        var gone = ScriptedModem.Start();
        var gonePort = gone.Port;
        await gone.DisposeAsync();

        var bank = StartBank(Timings, TcpModule("gsm-good", good.Port), TcpModule("gsm-gone", gonePort));
        var watcher = CreateTestProbe();
        bank.Tell(new SubscribeModuleStatus(watcher.Ref));

        await BankStatusAsync(watcher, "gsm-good", s => s.State == ModuleState.Ready);
        // The bad one fails, backs off, fails again: at least two reopen attempts while the good one stays ready.
        await BankStatusAsync(watcher, "gsm-gone", s => s.State == ModuleState.Down && s.ReopenAt is not null);
        await BankStatusAsync(watcher, "gsm-gone", s => s.State == ModuleState.Connecting);
        await BankStatusAsync(watcher, "gsm-gone", s => s.State == ModuleState.Down && s.ReopenAt is not null);

        var all = await bank.Ask<ModemBankStatus>(GetModemBankStatus.Instance, Patience);
        Assert.Equal(ModuleState.Ready, all.Modules["gsm-good"].State);
        Assert.Equal(1, good.Connections);
    }

    [Fact]
    public async Task A_module_that_needs_an_operator_is_not_reopened()
    {
        await using var modem = ScriptedModem.Start();
        modem.On("AT+CPIN?", ScriptedModem.Ok("+CPIN: SIM PUK"));
        var bank = StartBank(Timings, TcpModule("gsm-puk", modem.Port, pin: "1234"));
        var watcher = CreateTestProbe();
        bank.Tell(new SubscribeModuleStatus(watcher.Ref));

        var down = await BankStatusAsync(watcher, "gsm-puk", s => s.State == ModuleState.Down && s.NeedsOperator);
        Assert.Null(down.ReopenAt);
        Assert.Contains("SIM PUK", down.LastError);
        var status = await bank.Ask<ModuleStatus>(new GetModuleStatus("gsm-puk"), Patience);
        Assert.True(status.NeedsOperator);
        Assert.Null(status.ReopenAt);
    }

    [Fact]
    public async Task A_send_to_a_module_that_is_down_or_unknown_is_answered_at_once_as_retryable()
    {
        await using var modem = ScriptedModem.Start();
        modem.On("AT+CPIN?", ScriptedModem.Ok("+CPIN: SIM PUK"));
        var bank = StartBank(Timings, TcpModule("gsm-puk", modem.Port));
        var watcher = CreateTestProbe();
        bank.Tell(new SubscribeModuleStatus(watcher.Ref));
        await BankStatusAsync(watcher, "gsm-puk", s => s.State == ModuleState.Down && s.NeedsOperator);

        var part = new SmsSubmit(0, new SmsAddress(AddressType.International, "+420777000111"), SmsCoding.Gsm7, "hi", [], null, false, null);
        bank.Tell(new SendSms("gsm-puk", "job-1", [part]));
        var failed = await ExpectMsgAsync<SmsSendFailed>(Patience);
        Assert.True(failed.Retryable);
        Assert.Contains("down", failed.Reason); // "is down" once stopped, "is going down" while it closes

        bank.Tell(new SendSms("gsm-nowhere", "job-2", [part]));
        failed = await ExpectMsgAsync<SmsSendFailed>(Patience);
        Assert.True(failed.Retryable);
        Assert.Contains("no module \"gsm-nowhere\"", failed.Reason);
    }

    [Fact]
    public async Task A_module_whose_transport_cannot_be_made_is_reported_down_and_needing_an_operator()
    {
        var module = new ModuleSettings("gsm-v", "node-a", "operator-a", ModuleTransport.Virtual, "", 0, "", 0, null, "+420600000009", ModuleLimits.None);
        var bank = Sys.ActorOf(ModemBank.Props([module], Timings, _ => throw new InvalidOperationException("no virtual network in this process"), TestActor));
        var status = await bank.Ask<ModuleStatus>(new GetModuleStatus("gsm-v"), Patience);
        Assert.Equal(ModuleState.Down, status.State);
        Assert.True(status.NeedsOperator);
        Assert.Contains("no virtual network", status.LastError);
    }
}
