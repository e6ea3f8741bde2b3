using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Gateway.Configuration;
using Gateway.Modem;
using Gateway.Modem.Transport;
using Xunit.Abstractions;

namespace Gateway.Tests.Modem.Support;

/// <summary>
/// Akka TestKit for module and bank specs: debug logging (every AT line goes to the test
/// output), short timings that each test may shrink further, and helpers to build modules
/// against a <see cref="ScriptedModem"/>.
/// </summary>
public abstract class ModuleTestKit(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString("akka.loglevel = DEBUG\nakka.stdout-loglevel = WARNING"), output: output)
{
    /// <summary>Generous for a loaded 2-core machine, short enough to keep failures fast; health polls off unless a test turns them on.</summary>
    protected static readonly ModemSettings Timings = ModemSettings.Default with
    {
        CommandTimeout = TimeSpan.FromSeconds(3),
        SendTimeout = TimeSpan.FromSeconds(5),
        HealthInterval = TimeSpan.FromHours(1),
        ReopenBackoffMin = TimeSpan.FromMilliseconds(100),
        ReopenBackoffMax = TimeSpan.FromMilliseconds(400),
        CloseTimeout = TimeSpan.FromSeconds(2),
        StoreConfirmTimeout = TimeSpan.FromHours(1),
        OpenTimeout = TimeSpan.FromSeconds(3),
    };

    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    protected static ModuleSettings TcpModule(string name, int port, string? pin = null, params string[] init) =>
        new(name, "node-a", "operator-a", ModuleTransport.Tcp, "127.0.0.1", port, "", 115200, pin, null, ModuleLimits.None, [.. init]);

    /// <summary>A module on <paramref name="modem"/> with the test actor as owner and <paramref name="status"/> as status listener.</summary>
    protected IActorRef StartModule(ScriptedModem modem, TestProbe status, ModemSettings? timings = null, string? pin = null, IActorRef? owner = null, string name = "gsm-t") =>
        Sys.ActorOf(GsmModule.Props(TcpModule(name, modem.Port, pin), timings ?? Timings, new TcpTransport("127.0.0.1", modem.Port), owner ?? TestActor, status.Ref));

    protected async Task<ModuleStatus> StatusAsync(TestProbe probe, Func<ModuleStatus, bool> wanted) =>
        (ModuleStatus)await probe.FishForMessageAsync(m => m is ModuleStatus s && wanted(s), Patience);

    protected Task<ModuleStatus> ReadyAsync(TestProbe probe) => StatusAsync(probe, s => s.State == ModuleState.Ready);
}
