using Akka.Actor;
using Akka.Event;
using Gateway.Modem;
using Gateway.Modem.At;
using Gateway.Tests.Modem.Support;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Tests.Modem;

public class GsmModuleStartupTests(ITestOutputHelper output) : ModuleTestKit(output)
{
    private static readonly string[] StandardScript =
    [
        "ATE0", "AT+CMEE=1", "AT+CPIN?", "AT+CMGF=0", "AT+CPMS=\"SM\",\"SM\",\"SM\"", "AT+CSMS?",
        ModemInit.IndicationsCommand, "AT+CREG=1", "AT+CSQ", "AT+CREG?", "AT+COPS?", "AT+CMGL=4",
    ];

    [Fact]
    public async Task A_module_runs_the_start_up_script_lists_the_SIM_and_reports_itself_ready_with_signal_and_operator()
    {
        await using var modem = ScriptedModem.Start();
        var status = CreateTestProbe();
        StartModule(modem, status);

        var ready = await ReadyAsync(status);
        Assert.True(ready.Registered);
        Assert.Equal(20, ready.SignalCsq);
        Assert.Equal(-73, ready.SignalDbm);
        Assert.Equal("Scripted GSM", ready.Operator);
        Assert.Equal(0, ready.Load);

        var sent = new List<string>();
        foreach (var _ in StandardScript) sent.Add(await modem.NextAsync());
        Assert.Equal(StandardScript, sent);
    }

    [Fact]
    public async Task A_modem_with_echo_still_on_is_set_up_the_same_way()
    {
        await using var modem = ScriptedModem.Start();
        modem.Echo = true;
        var status = CreateTestProbe();
        StartModule(modem, status);
        var ready = await ReadyAsync(status);
        Assert.Equal("Scripted GSM", ready.Operator);
    }

    [Fact]
    public async Task The_PIN_is_sent_when_the_SIM_asks_and_never_appears_in_the_log()
    {
        await using var modem = ScriptedModem.Start();
        var pinAccepted = false;
        modem.On(c => c == "AT+CPIN?", _ => ScriptedModem.Ok(pinAccepted ? "+CPIN: READY" : "+CPIN: SIM PIN"));
        modem.On(c => c == "AT+CPIN=\"2468\"", _ =>
        {
            pinAccepted = true;
            return ScriptedModem.Ok();
        });
        modem.Echo = true; // the echoed PIN must be redacted too
        var logs = CreateTestProbe();
        Sys.EventStream.Subscribe(logs.Ref, typeof(Debug));
        var status = CreateTestProbe();
        StartModule(modem, status, pin: "2468");

        await ReadyAsync(status);
        var (_, before) = await modem.NextMatchingAsync("AT+CPIN=\"2468\"");
        Assert.Equal(["ATE0", "AT+CMEE=1", "AT+CPIN?"], before);
        Assert.Equal("AT+CPIN?", await modem.NextAsync());

        var lines = new List<string>();
        while (logs.HasMessages) lines.Add(((Debug)await logs.ReceiveOneAsync(TimeSpan.FromSeconds(1))!).Message.ToString()!);
        Assert.Contains(lines, l => l.Contains("AT+CPIN=***"));
        Assert.DoesNotContain(lines, l => l.Contains("2468"));
    }

    [Fact]
    public async Task Every_AT_line_is_logged_at_debug_with_the_module_and_direction()
    {
        await using var modem = ScriptedModem.Start();
        var logs = CreateTestProbe();
        Sys.EventStream.Subscribe(logs.Ref, typeof(Debug));
        var status = CreateTestProbe();
        StartModule(modem, status, name: "gsm-log");
        await ReadyAsync(status);

        await logs.FishForMessageAsync(m => m is Debug d && d.Message.ToString() == "gsm-log >> AT+CSQ", Patience);
        await logs.FishForMessageAsync(m => m is Debug d && d.Message.ToString() == "gsm-log << +CSQ: 20,99", Patience);
    }

    [Fact]
    public async Task A_refused_PIN_stops_the_module_as_needing_an_operator()
    {
        await using var modem = ScriptedModem.Start();
        modem.On("AT+CPIN?", ScriptedModem.Ok("+CPIN: SIM PIN"));
        modem.On("AT+CPIN=*", ScriptedModem.Final("+CME ERROR: 16"));
        var status = CreateTestProbe();
        var module = StartModule(modem, status, pin: "1111");
        Watch(module);

        var down = await StatusAsync(status, s => s.State == ModuleState.Down);
        Assert.True(down.NeedsOperator);
        Assert.Contains("refused the configured PIN", down.LastError);
        await ExpectTerminatedAsync(module, Patience);
    }

    [Fact]
    public async Task A_modem_that_never_answers_is_given_up_at_start_up_with_the_command_it_hung_on()
    {
        await using var modem = ScriptedModem.Start();
        modem.Silent = true;
        var status = CreateTestProbe();
        var module = StartModule(modem, status, Timings with { CommandTimeout = TimeSpan.FromMilliseconds(300) });
        Watch(module);
        var down = await StatusAsync(status, s => s.State == ModuleState.Down);
        Assert.Contains("no answer to ATE0", down.LastError);
        Assert.False(down.NeedsOperator);
        await ExpectTerminatedAsync(module, Patience);
    }

    [Fact]
    public async Task A_port_that_cannot_be_opened_stops_the_module_with_the_reason()
    {
        await using var modem = ScriptedModem.Start();
        var port = modem.Port;
        await modem.DisposeAsync(); // nothing listens there now
        var status = CreateTestProbe();
        var module = Sys.ActorOf(GsmModule.Props(TcpModule("gsm-x", port), Timings, new Gateway.Modem.Transport.TcpTransport("127.0.0.1", port), TestActor, status.Ref));
        Watch(module);
        var down = await StatusAsync(status, s => s.State == ModuleState.Down);
        Assert.Contains($"cannot open tcp://127.0.0.1:{port}", down.LastError);
        await ExpectTerminatedAsync(module, Patience);
    }

    [Fact]
    public async Task Status_is_answered_on_request_and_published_to_subscribers_on_change()
    {
        await using var modem = ScriptedModem.Start();
        var listener = CreateTestProbe();
        var module = StartModule(modem, listener);
        await ReadyAsync(listener);

        var answer = await module.Ask<ModuleStatus>(new GetModuleStatus("gsm-t"), Patience);
        Assert.Equal(ModuleState.Ready, answer.State);

        var subscriber = CreateTestProbe();
        module.Tell(new SubscribeModuleStatus(subscriber.Ref));
        Assert.Equal(ModuleState.Ready, (await subscriber.ExpectMsgAsync<ModuleStatus>(Patience)).State);

        await modem.PushAsync("\r\n+CREG: 3\r\n"); // registration denied, unsolicited
        var changed = await StatusAsync(subscriber, s => !s.Registered);
        Assert.Equal(ModuleState.Ready, changed.State);
        await StatusAsync(listener, s => !s.Registered);
    }

    [Fact]
    public async Task Garbage_and_over_long_lines_from_the_modem_are_ignored_and_the_module_goes_on()
    {
        await using var modem = ScriptedModem.Start();
        var status = CreateTestProbe();
        var module = StartModule(modem, status, Timings with { HealthInterval = TimeSpan.FromMilliseconds(200) });
        await ReadyAsync(status);

        var garbage = new byte[3000];
        new Random(7).NextBytes(garbage);
        await modem.PushAsync(garbage);
        await modem.PushAsync("\r\n" + new string('Z', 5000) + "\r\nOK\r\n\r\n> \r\n");
        modem.On("AT+CSQ", ScriptedModem.Ok("+CSQ: 11,0"));

        var polled = await StatusAsync(status, s => s.SignalCsq == 11);
        Assert.Equal(ModuleState.Ready, polled.State);
        Assert.Equal(ModuleState.Ready, (await module.Ask<ModuleStatus>(new GetModuleStatus("gsm-t"), Patience)).State);
    }

    [Fact]
    public async Task A_modem_that_refuses_indications_has_its_SIM_listed_on_every_health_poll()
    {
        await using var modem = ScriptedModem.Start();
        modem.On(ModemInit.IndicationsCommand, ScriptedModem.Final("+CMS ERROR: 303"));
        var status = CreateTestProbe();
        StartModule(modem, status, Timings with { HealthInterval = TimeSpan.FromMilliseconds(200) });
        await ReadyAsync(status);
        await modem.NextMatchingAsync("AT+CMGL=4");
        var (_, between) = await modem.NextMatchingAsync("AT+CMGL=4");
        Assert.Contains("AT+CSQ", between);
    }

    [Fact]
    public async Task After_a_command_times_out_a_bare_AT_soaks_up_its_late_answer_before_the_next_command()
    {
        await using var modem = ScriptedModem.Start();
        var status = CreateTestProbe();
        StartModule(modem, status, Timings with { HealthInterval = TimeSpan.FromMilliseconds(300), CommandTimeout = TimeSpan.FromMilliseconds(300) });
        await ReadyAsync(status);
        await modem.NextMatchingAsync("AT+CMGL=4");

        modem.SwallowOnce("AT+CSQ");
        // The late +CSQ answer arrives together with the answer to the resynchronising AT.
        modem.Once("AT", "\r\n+CSQ: 3,0\r\n\r\nOK\r\n\r\nOK\r\n");
        modem.On("AT+CREG?", ScriptedModem.Ok("+CREG: 1,3"));
        await modem.NextMatchingAsync("AT+CSQ");
        Assert.Equal("AT", await modem.NextAsync());
        Assert.Equal("AT+CREG?", await modem.NextAsync());
        Assert.Equal("AT+COPS?", await modem.NextAsync());

        // AT+CREG? got its own answer (denied), not the late one; the late signal was not taken either.
        var after = await StatusAsync(status, s => !s.Registered);
        Assert.Equal(ModuleState.Ready, after.State);
        Assert.Equal(20, after.SignalCsq);
    }
}
