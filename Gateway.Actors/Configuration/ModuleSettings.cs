using System.Collections.Immutable;
using System.Text;
using Gateway.Sms;

namespace Gateway.Configuration;

public enum ModuleTransport { Serial, Tcp, Virtual }

public enum ModuleSelection { LeastBusy, RoundRobin }

/// <summary><c>gateway.sms-groups.&lt;name&gt;</c>: modules that share an operator or purpose.</summary>
public sealed record SmsGroupSettings(string Name, ModuleSelection Selection)
{
    internal static SmsGroupSettings Read(string name, ConfigReader r) =>
        new(name, r.Enum("selection", ModuleSelection.LeastBusy));
}

/// <summary>Sending limits of one SIM (its plan and the operator's pacing); 0 = no limit.</summary>
public sealed record ModuleLimits(int PerDay, int PerMonth, TimeSpan MinInterval)
{
    public static readonly ModuleLimits None = new(0, 0, TimeSpan.Zero);
}

/// <summary>
/// One GSM module, <c>gateway.modules.&lt;name&gt;</c>. It is driven by the node whose
/// <c>node.name</c> equals <see cref="Node"/>; every node knows of it for routing.
/// </summary>
/// <param name="Number">The SIM's own number (required for <c>virtual</c>: it is the SIM in the virtual network).</param>
/// <param name="Pin">SIM PIN, sent only if the modem asks for it; never logged (the record prints it as <c>***</c>).</param>
/// <param name="InitCommands">Extra AT commands for this modem's model, run after the standard start-up (<c>modules.&lt;name&gt;.init</c>; default none).</param>
public sealed record ModuleSettings(
    string Name,
    string Node,
    string Group,
    ModuleTransport Transport,
    string Host,
    int Port,
    string Device,
    int Baud,
    string? Pin,
    string? Number,
    ModuleLimits Limits,
    ImmutableArray<string> InitCommands = default)
{
    /// <summary>The extra start-up commands; empty when none are configured.</summary>
    public ImmutableArray<string> ExtraInit => InitCommands.IsDefault ? ImmutableArray<string>.Empty : InitCommands;

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Name = {Name}, Node = {Node}, Group = {Group}, Endpoint = {Endpoint}, Pin = {(Pin is null ? "none" : "***")}, Number = {Number}, Limits = {Limits}, ExtraInit = [{string.Join(", ", ExtraInit)}]");
        return true;
    }

    /// <summary>A short description for logs, without the PIN.</summary>
    public string Endpoint => Transport switch
    {
        ModuleTransport.Tcp => $"tcp://{Host}:{Port}",
        ModuleTransport.Serial => $"serial:{Device}@{Baud}",
        _ => $"virtual:{Number}",
    };

    internal static ModuleSettings Read(string name, ConfigReader r, string defaultCountryCode)
    {
        var node = r.RequiredString("node");
        var group = r.RequiredString("group");
        var transport = r.Enum("transport", ModuleTransport.Virtual);
        var host = r.String("host", "127.0.0.1");
        var port = transport == ModuleTransport.Tcp ? r.Port("port", 0) : r.Port("port", 1);
        if (transport == ModuleTransport.Tcp && !r.Has("port")) r.Error("port", "is required for transport = tcp");
        var device = r.String("device", "");
        if (transport == ModuleTransport.Serial && device.Length == 0) r.Error("device", "is required for transport = serial");
        var baud = r.Int("baud", 115200, min: 300, max: 4_000_000);
        var pin = r.OptionalString("pin");
        if (pin is not null && (pin.Length is < 4 or > 8 || !pin.All(char.IsAsciiDigit)))
            r.Error("pin", "must be 4 to 8 digits");

        var numberText = r.OptionalString("number");
        string? number = null;
        if (numberText is not null)
        {
            if (PhoneNumber.TryParse(numberText, defaultCountryCode, out var n, out var error)) number = n.E164;
            else r.Error("number", error!.Message);
        }
        else if (transport == ModuleTransport.Virtual)
            r.Error("number", "is required for transport = virtual (the SIM's number in the virtual network)");

        var init = r.Strings("init");
        foreach (var command in init)
            if (!command.StartsWith("AT", StringComparison.OrdinalIgnoreCase) || command.Length > 200 || command.Any(c => c < ' ' || c > '~'))
                r.Error("init", $"\"{command}\" is not an AT command (printable ASCII starting with AT, at most 200 characters)");

        var limits = r.Child("limits");
        return new ModuleSettings(name, node, group, transport, host, port, device, baud, pin, number,
            new ModuleLimits(
                limits.Int("per-day", 0, min: 0),
                limits.Int("per-month", 0, min: 0),
                limits.Duration("min-interval", TimeSpan.Zero, min: TimeSpan.Zero)),
            init);
    }
}

/// <summary><c>gateway.modem</c>: timings every module driver uses. Tests shrink them.</summary>
/// <param name="CommandTimeout">Longest wait for the final result of an ordinary AT command.</param>
/// <param name="SendTimeout">Longest wait for the result of AT+CMGS (the network can be slow).</param>
/// <param name="HealthInterval">How often an idle module is polled (AT+CSQ, AT+CREG?).</param>
/// <param name="DeadAfterTimeouts">Consecutive command timeouts after which the modem is closed and reopened.</param>
/// <param name="ReopenBackoffMin">First wait before reopening a failed modem; doubles up to the max.</param>
/// <param name="CloseTimeout">Longest wait for a transport to close; a hung close is abandoned.</param>
/// <param name="StoreConfirmTimeout">How long the module waits for the owner of a received SMS to confirm it is stored before offering it again; the SIM copy is kept meanwhile.</param>
/// <param name="OpenTimeout">Longest wait for a port or connection to open (default 10 s).</param>
/// <param name="MaxQueuedSends">SMS jobs a module holds while busy (default 100); beyond that a send is refused at once as retryable, so routing picks another module.</param>
/// <param name="HoldUntilRecorded">
/// Off (default): a module starts its next job as soon as the last one is sent, so a crash can leave two of its SMS sent but
/// unrecorded (both go again after a restart). On: the router asks each module to start its next job only once the last one's
/// "sent" record is stored (<see cref="Gateway.Modem.SendSms.RecordFollows"/>), so at most one goes twice; costs one journal
/// write between a module's sends.
/// </param>
/// <param name="RecordWait">With <paramref name="HoldUntilRecorded"/>: the longest a module waits for that record before it starts the next job anyway (default 5 s, logged).</param>
public sealed record ModemSettings(
    TimeSpan CommandTimeout,
    TimeSpan SendTimeout,
    TimeSpan HealthInterval,
    int DeadAfterTimeouts,
    TimeSpan ReopenBackoffMin,
    TimeSpan ReopenBackoffMax,
    TimeSpan CloseTimeout,
    TimeSpan StoreConfirmTimeout,
    TimeSpan OpenTimeout,
    int MaxQueuedSends,
    bool HoldUntilRecorded,
    TimeSpan RecordWait)
{
    public static readonly ModemSettings Default = new(
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), 2,
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30),
        TimeSpan.FromSeconds(10), 100, false, TimeSpan.FromSeconds(5));

    internal static ModemSettings Read(ConfigReader r)
    {
        var ms = TimeSpan.FromMilliseconds(1);
        var d = Default;
        var settings = new ModemSettings(
            r.Duration("command-timeout", d.CommandTimeout, ms),
            r.Duration("send-timeout", d.SendTimeout, ms),
            r.Duration("health-interval", d.HealthInterval, ms),
            r.Int("dead-after-timeouts", d.DeadAfterTimeouts, min: 1, max: 100),
            r.Duration("reopen-backoff-min", d.ReopenBackoffMin, ms),
            r.Duration("reopen-backoff-max", d.ReopenBackoffMax, ms),
            r.Duration("close-timeout", d.CloseTimeout, ms),
            r.Duration("store-confirm-timeout", d.StoreConfirmTimeout, ms),
            r.Duration("open-timeout", d.OpenTimeout, ms),
            r.Int("max-queued-sends", d.MaxQueuedSends, min: 0, max: 100_000),
            r.Bool("hold-until-recorded", d.HoldUntilRecorded),
            r.Duration("record-wait", d.RecordWait, ms));
        if (settings.ReopenBackoffMax < settings.ReopenBackoffMin)
            r.Error("reopen-backoff-max", "must not be shorter than reopen-backoff-min");
        return settings;
    }
}

/// <summary><c>gateway.virtual-network</c>: the simulated GSM network the virtual modules live in.</summary>
/// <param name="SendLatency">How long a virtual modem takes to answer AT+CMGS. Default 100 ms.</param>
/// <param name="StatusReports">Whether the network returns status reports when asked. Default on.</param>
/// <param name="StatusReportDelay">Delay between a submit and its status report. Default 1 s.</param>
/// <param name="ControlPort">TCP port on 127.0.0.1 of the control line (virtual phones, faults); 0 = no control line. Default 0.</param>
public sealed record VirtualNetworkSettings(TimeSpan SendLatency, bool StatusReports, TimeSpan StatusReportDelay, int ControlPort)
{
    /// <summary>The defaults <c>hocon/gateway.conf</c> documents.</summary>
    public static readonly VirtualNetworkSettings Default = new(TimeSpan.FromMilliseconds(100), true, TimeSpan.FromSeconds(1), 0);

    /// <summary>SMS slots on each virtual SIM; a full SIM refuses new SMS and the network holds them. Default 30.</summary>
    public int SimCapacity { get; init; } = 30;

    /// <summary>How long a virtual modem waits for AT+CNMA after a direct <c>+CMT</c>/<c>+CDS</c> before it stores the message instead. Default 30 s.</summary>
    public TimeSpan AckTimeout { get; init; } = TimeSpan.FromSeconds(30);

    internal static VirtualNetworkSettings Read(ConfigReader r)
    {
        var d = Default;
        return new VirtualNetworkSettings(
            r.Duration("send-latency", d.SendLatency, TimeSpan.Zero),
            r.Bool("status-reports", d.StatusReports),
            r.Duration("status-report-delay", d.StatusReportDelay, TimeSpan.Zero),
            r.Port("control-port", d.ControlPort, allowZero: true))
        {
            SimCapacity = r.Int("sim-capacity", d.SimCapacity, min: 1, max: 255),
            AckTimeout = r.Duration("ack-timeout", d.AckTimeout, TimeSpan.FromMilliseconds(1)),
        };
    }
}
