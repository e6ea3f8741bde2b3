using System.IO.Ports;
using Akka.Actor;
using Akka.TestKit;
using Gateway.Configuration;
using Gateway.Modem;
using Gateway.Modem.Transport;
using Gateway.Tests.Modem.Support;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Tests.Modem;

/// <summary>The module on a real pseudo-terminal through System.IO.Ports (socat bridges it to a scripted modem).</summary>
public class SerialTransportTests(ITestOutputHelper output) : ModuleTestKit(output)
{
    private static ModuleSettings SerialModule(string device) =>
        new("gsm-pty", "node-a", "operator-a", ModuleTransport.Serial, "", 0, device, 115200, null, null, ModuleLimits.None);

    [Fact]
    public async Task A_module_on_a_pseudo_terminal_becomes_ready_and_stale_bytes_in_the_pty_are_discarded_on_open()
    {
        await using var modem = ScriptedModem.Start();
        await using var pty = await SocatPty.StartAsync(modem.Port);
        await AwaitConditionAsync(() => Task.FromResult(modem.Connections == 1), Patience);
        // A stale result left from an earlier session: if it were read, it would answer ATE0 and
        // shift every answer of the start-up script by one.
        const string stale = "\r\nOK\r\n\r\n+CPIN: SIM PIN\r\n";
        using var observer = new SerialPort(pty.Device); // a second handle that only looks at the tty's input queue
        observer.Open();
        await modem.PushAsync(stale);
        await AwaitConditionAsync(() => Task.FromResult(observer.BytesToRead >= stale.Length), Patience);

        var status = CreateTestProbe();
        Sys.ActorOf(GsmModule.Props(SerialModule(pty.Device), Timings, new SerialTransport(pty.Device, 115200), TestActor, status.Ref));
        var ready = await ReadyAsync(status);
        Assert.Equal("Scripted GSM", ready.Operator);
        Assert.StartsWith("serial:", ready.Endpoint);
        Assert.Equal("ATE0", await modem.NextAsync());
    }

    [Fact]
    public async Task An_unplugged_serial_modem_is_detected_reopened_under_back_off_and_ready_again_when_it_returns()
    {
        await using var modem = ScriptedModem.Start();
        var pty = await SocatPty.StartAsync(modem.Port);
        var timings = Timings with
        {
            HealthInterval = TimeSpan.FromMilliseconds(200),
            CommandTimeout = TimeSpan.FromMilliseconds(400),
            CloseTimeout = TimeSpan.FromSeconds(1),
        };
        var bank = Sys.ActorOf(ModemBank.Props([SerialModule(pty.Device)], timings, m => new SerialTransport(m.Device, m.Baud), TestActor));
        var watcher = CreateTestProbe();
        bank.Tell(new SubscribeModuleStatus(watcher.Ref));
        await ReadyAsync(watcher);

        await pty.Kill(); // the device vanishes
        var down = await StatusAsync(watcher, s => s.State == ModuleState.Down);
        Output?.WriteLine($"detected: {down.LastError}");
        // While the device is gone, reopening fails and backs off.
        await StatusAsync(watcher, s => s.State == ModuleState.Down && s.LastError!.Contains("cannot open"));

        await using var back = await SocatPty.StartAsync(modem.Port, pty.Device);
        await ReadyAsync(watcher);
    }
}
