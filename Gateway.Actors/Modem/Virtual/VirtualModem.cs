using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace Gateway.Modem.Virtual;

/// <summary>Options of one virtual SIM, given to <see cref="VirtualNetwork.AddModem(string, VirtualSimOptions)"/>.</summary>
/// <param name="Pin">The SIM asks for this PIN (AT+CPIN) before it works; null = no PIN. The PUK is <see cref="VirtualModem.Puk"/>.</param>
/// <param name="Capacity">SMS slots on the SIM; null = the network's <c>sim-capacity</c>.</param>
public sealed record VirtualSimOptions(string? Pin = null, int? Capacity = null)
{
    public static readonly VirtualSimOptions Default = new();
}

/// <summary>
/// One virtual GSM modem with its SIM: the state a real module keeps (SIM storage, PIN state,
/// settings such as echo and CNMI, the TP-MR counter) behind a serial line that speaks the AT
/// dialect of 3GPP TS 27.005/27.007 in PDU mode. Thread-safe.
/// <para>
/// <see cref="Connect"/> opens its serial line. A second <see cref="Connect"/> while one is open
/// <b>replaces</b> it: the old stream reads end-of-stream and its writes fail, so a driver that
/// reopens after losing track of its old handle always gets through. What the modem writes while
/// no line is open is lost (as on a real port); SMS stay in SIM storage.
/// </para>
/// </summary>
public sealed partial class VirtualModem
{
    public const string Manufacturer = "Gateway";
    public const string Model = "Virtual GSM Modem";
    public const string Revision = "VGM 1.0";

    /// <summary>The PUK of every virtual SIM (unblocks it after three wrong PINs).</summary>
    public const string Puk = "12345678";

    internal readonly object Lock = new();
    internal readonly ModemProfile Profile = new();
    internal readonly SimCard Sim;

    private readonly VirtualNetwork _network;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private readonly LinkedList<PendingAck> _awaitingAck = new();
    private ModemSession? _session;
    private int _nextReference;
    private long _nextAckId;
    private bool _radioOn = true;
    private bool _wasRegistered;
    private int _signal = 20;
    private TimeSpan? _sendLatency;
    private long _sent;
    private long _received;
    private long _lineBytesIn;
    private long _lineBytesOut;

    internal VirtualModem(VirtualNetwork network, string simNumber, VirtualSimOptions options, int defaultCapacity, ILogger log, TimeProvider time)
    {
        _network = network;
        _log = log;
        _time = time;
        var digits = simNumber.TrimStart('+');
        Imei = MakeImei(digits);
        Sim = new SimCard(simNumber, MakeImsi(digits), options.Pin, Puk, options.Capacity ?? defaultCapacity, VirtualNetwork.ServiceCentre);
        Faults = new FaultPlan(this);
        _wasRegistered = IsRegisteredLocked;
    }

    /// <summary>The SIM's own number, E.164 (what AT+CNUM reports and what SMS are addressed to).</summary>
    public string SimNumber => Sim.Number;

    /// <summary>The module's IMEI (AT+CGSN), made from the SIM number so it is stable across runs.</summary>
    public string Imei { get; }

    /// <summary>The SIM's IMSI (AT+CIMI), test network 001-01.</summary>
    public string Imsi => Sim.Imsi;

    /// <summary>Fault injection, settable while the modem runs.</summary>
    public FaultPlan Faults { get; }

    /// <summary>How long AT+CMGS takes on this modem; null = the network's latency.</summary>
    public TimeSpan? SendLatency
    {
        get { lock (Lock) return _sendLatency; }
        set
        {
            if (value < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(value));
            lock (Lock) _sendLatency = value;
        }
    }

    /// <summary>Signal strength AT+CSQ reports (0–31). Default 20.</summary>
    public int SignalStrength
    {
        get { lock (Lock) return _signal; }
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 31);
            lock (Lock) _signal = value;
        }
    }

    /// <summary>True while a serial line to the modem is open.</summary>
    public bool IsConnected { get { lock (Lock) return _session is not null; } }

    /// <summary>What the SIM holds now.</summary>
    public ImmutableArray<StoredSms> StoredMessages { get { lock (Lock) return Sim.Storage.Snapshot(); } }

    /// <summary>
    /// Opens the modem's serial line: a duplex byte stream that behaves like the port of a real
    /// module (echo, CR line ends, results, unsolicited lines). Disposing it closes the port.
    /// Replaces a line that is still open (see the class summary).
    /// </summary>
    /// <exception cref="IOException">The device is <see cref="FaultPlan.Gone"/>.</exception>
    public Stream Connect()
    {
        ModemSession? replaced;
        ModemSession session;
        lock (Lock)
        {
            if (Faults.Gone) throw new IOException($"virtual modem {SimNumber}: no such device (gone)");
            replaced = _session;
            session = new ModemSession(this, new SerialLine(), _log, _time);
            _session = session;
        }
        if (replaced is not null)
        {
            _log.LogInformation("virtual modem {Sim}: a new connection replaces the open one", SimNumber);
            replaced.HangUp();
        }
        session.Start();
        return session.ClientEnd;
    }

    /// <summary>Power-cycles the module: the line drops, settings return to defaults, a SIM with a PIN asks for it again.</summary>
    public void Restart()
    {
        lock (Lock)
        {
            Profile.Reset();
            Sim.PowerOn();
            _radioOn = true;
        }
        HangUp("restart");
        RegistrationMayHaveChanged();
    }

    /// <summary>Writes an unsolicited result line (e.g. <c>RING</c>) on the open line, held until any command in progress has finished.</summary>
    public void InjectUnsolicited(string line)
    {
        ArgumentException.ThrowIfNullOrEmpty(line);
        if (line.Any(c => c is '\r' or '\n')) throw new ArgumentException("one line, without CR or LF", nameof(line));
        lock (Lock) PostUnsolicitedLocked(line);
    }

    /// <summary>A snapshot for the control line's STATUS and for tests.</summary>
    public VirtualModemStatus Status()
    {
        var held = _network.PendingDeliveries(this); // outside the modem's lock: the network locks before the modem
        lock (Lock)
        {
            return new VirtualModemStatus(
                SimNumber, _session is not null, Sim.Lock, IsRegisteredLocked, _signal,
                Sim.Storage.Used, Sim.Storage.Capacity, held,
                Interlocked.Read(ref _sent), Interlocked.Read(ref _received), _nextReference,
                Profile.Indications, _awaitingAck.Count, Faults.Snapshot(),
                Interlocked.Read(ref _lineBytesIn), Interlocked.Read(ref _lineBytesOut));
        }
    }

    internal void CountLineBytes(int received, int sent)
    {
        if (received > 0) Interlocked.Add(ref _lineBytesIn, received);
        if (sent > 0) Interlocked.Add(ref _lineBytesOut, sent);
    }

    internal ResultFormat FormatLocked() => new(Profile.Verbose, Profile.Quiet, Profile.Cmee);

    internal bool RadioOnLocked
    {
        get => _radioOn;
        set => _radioOn = value;
    }

    internal int SignalLocked => IsRegisteredLocked ? _signal : 99;

    /// <summary>Registered on the (home) network: SIM unlocked, radio on, coverage.</summary>
    internal bool IsRegisteredLocked => Sim.IsReady && _radioOn && !Faults.NoNetwork && !Faults.Gone;

    /// <summary>The cell the modem is camped on, as AT+CREG=2 shows it (hex LAC and CI).</summary>
    internal (string Lac, string Ci) CellLocked => ("1A2B", (Math.Abs(SimNumber.GetHashCode() % 0xFFFF) + 1).ToString("X4"));

    internal void PostUnsolicitedLocked(string text, long? ackId = null) => _session?.PostUnsolicited(new Unsolicited(text, ackId));

    /// <summary>Runs one command line under the modem's lock; network work it asks for runs after the lock is released.</summary>
    internal AtResponse ExecuteLine(string line)
    {
        var context = new AtContext(this);
        AtResponse response;
        lock (Lock)
        {
            response = AtInterpreter.Execute(line, context);
            AfterChangeLocked(context);
        }
        context.RunAfterUnlock();
        return response;
    }

    /// <summary>Call after anything that may change registration: sends <c>+CREG</c> and lets held SMS through.</summary>
    internal void RegistrationMayHaveChanged()
    {
        var context = new AtContext(this);
        lock (Lock) AfterChangeLocked(context);
        context.RunAfterUnlock();
    }

    private void AfterChangeLocked(AtContext context)
    {
        var registered = IsRegisteredLocked;
        if (registered == _wasRegistered) return;
        _wasRegistered = registered;
        _log.LogInformation("virtual modem {Sim}: {State}", SimNumber, registered ? "registered" : "not registered");
        if (Profile.RegistrationReports > 0)
            PostUnsolicitedLocked(AtGeneralHandlers.RegistrationLine("+CREG", Profile.RegistrationReports, this, unsolicited: true));
        if (registered) context.AfterUnlock(() => _network.RequestRedelivery(this));
    }

    internal void HangUp(string reason)
    {
        ModemSession? session;
        lock (Lock) session = _session;
        if (session is null) return;
        _log.LogInformation("virtual modem {Sim}: line dropped ({Reason})", SimNumber, reason);
        session.HangUp();
    }

    internal void SpewIntoLine(byte[] bytes)
    {
        ModemSession? session;
        lock (Lock) session = _session;
        session?.PostNoise(bytes);
    }

    /// <summary>The session's line closed: indications it never acknowledged go to storage.</summary>
    internal void SessionEnded(ModemSession session)
    {
        List<PendingAck> orphaned;
        lock (Lock)
        {
            if (_session == session) _session = null;
            orphaned = _awaitingAck.Where(p => p.Session == session).ToList();
            foreach (var p in orphaned) _awaitingAck.Remove(p);
        }
        foreach (var p in orphaned) FallBackToStorage(p.Delivery);
    }

    private static string MakeImsi(string digits) => "00101" + digits[^Math.Min(10, digits.Length)..].PadLeft(10, '0');

    private static string MakeImei(string digits)
    {
        var body = "35" + digits[^Math.Min(12, digits.Length)..].PadLeft(12, '0');
        var sum = 0;
        for (var i = 0; i < 14; i++)
        {
            var d = body[i] - '0';
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
        }
        return body + (char)('0' + (10 - sum % 10) % 10); // Luhn check digit, as real IMEIs have
    }
}
