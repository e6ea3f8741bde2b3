namespace Gateway.Modem.Virtual;

/// <summary>AT+CNMI's parameters (27.005 3.4.1): how new messages and status reports are indicated.</summary>
/// <param name="Mode">0 = keep indications in the modem (none reach the line); 1–3 = send them (held while a command runs).</param>
/// <param name="Mt">0 store silently, 1 store and send <c>+CMTI</c>, 2 send <c>+CMT</c> directly (class 2 is stored), 3 like 1 but class 3 directly.</param>
/// <param name="Ds">0 status reports are not routed to the line (dropped), 1 <c>+CDS</c> directly, 2 store and send <c>+CDSI</c>.</param>
public sealed record NewMessageIndications(int Mode, int Mt, int Bm, int Ds, int Bfr)
{
    /// <summary>What the virtual modem starts with (SIMCom's default): stored SMS announced by <c>+CMTI</c>, no status reports.</summary>
    public static readonly NewMessageIndications Default = new(2, 1, 0, 0, 0);

    public override string ToString() => $"{Mode},{Mt},{Bm},{Ds},{Bfr}";
}

/// <summary>The SIM card's lock state as AT+CPIN? reports it.</summary>
public enum SimLock { Ready, PinRequired, PukRequired, Blocked }

/// <summary>
/// A virtual modem's settings that ATZ / AT&amp;F reset (echo, result format, error format,
/// character set, indications…). Not thread-safe: guarded by the modem's lock.
/// </summary>
internal sealed class ModemProfile
{
    public bool Echo = true;
    public bool Verbose = true;
    public bool Quiet;
    public int Cmee;
    public int MessageFormat;
    public string Charset = "GSM";
    public NewMessageIndications Indications = NewMessageIndications.Default;
    public int RegistrationReports;
    public int GprsRegistrationReports;
    public int OperatorFormat;
    public int SmsService;
    public int ShowTextHeader;
    public readonly Dictionary<int, int> SRegisters = DefaultSRegisters();

    public void Reset()
    {
        Echo = true;
        Verbose = true;
        Quiet = false;
        Cmee = 0;
        MessageFormat = 0;
        Charset = "GSM";
        Indications = NewMessageIndications.Default;
        RegistrationReports = 0;
        GprsRegistrationReports = 0;
        OperatorFormat = 0;
        SmsService = 0;
        ShowTextHeader = 0;
        SRegisters.Clear();
        foreach (var (k, v) in DefaultSRegisters()) SRegisters[k] = v;
    }

    private static Dictionary<int, int> DefaultSRegisters() => new()
    {
        [0] = 0, [2] = 43, [3] = 13, [4] = 10, [5] = 8, [6] = 2, [7] = 60, [8] = 2, [10] = 15, [12] = 50,
    };
}

/// <summary>
/// The SIM card in a virtual modem: identity, PIN state machine and message storage. Not
/// thread-safe: guarded by the modem's lock.
/// </summary>
internal sealed class SimCard
{
    public const int PinAttempts = 3;
    public const int PukAttempts = 10;

    public SimCard(string number, string imsi, string? pin, string puk, int capacity, string serviceCentre)
    {
        Number = number;
        Imsi = imsi;
        Pin = pin;
        Puk = puk;
        Storage = new SimStorage(capacity);
        ServiceCentre = serviceCentre;
        Lock = pin is null ? SimLock.Ready : SimLock.PinRequired;
    }

    public string Number { get; }
    public string Imsi { get; }
    public string? Pin { get; private set; }
    public string Puk { get; }
    public SimStorage Storage { get; }
    public string ServiceCentre { get; set; }
    public SimLock Lock { get; private set; }
    public int PinAttemptsLeft { get; private set; } = PinAttempts;
    public int PukAttemptsLeft { get; private set; } = PukAttempts;

    public bool IsReady => Lock == SimLock.Ready;

    /// <summary>After a power cycle a SIM with a PIN asks for it again.</summary>
    public void PowerOn()
    {
        if (Pin is not null && Lock == SimLock.Ready) Lock = SimLock.PinRequired;
    }

    /// <summary>AT+CPIN="pin": true if it unlocked the SIM. Three wrong PINs ask for the PUK.</summary>
    public bool EnterPin(string pin)
    {
        if (Lock != SimLock.PinRequired) return false;
        if (pin == Pin)
        {
            Lock = SimLock.Ready;
            PinAttemptsLeft = PinAttempts;
            return true;
        }
        if (--PinAttemptsLeft == 0) Lock = SimLock.PukRequired;
        return false;
    }

    /// <summary>AT+CPIN="puk","new pin": true if it unlocked the SIM and set the new PIN. Ten wrong PUKs block the SIM.</summary>
    public bool EnterPuk(string puk, string newPin)
    {
        if (Lock != SimLock.PukRequired) return false;
        if (puk == Puk && newPin.Length is >= 4 and <= 8 && newPin.All(char.IsAsciiDigit))
        {
            Pin = newPin;
            Lock = SimLock.Ready;
            PinAttemptsLeft = PinAttempts;
            PukAttemptsLeft = PukAttempts;
            return true;
        }
        if (puk != Puk && --PukAttemptsLeft == 0) Lock = SimLock.Blocked;
        return false;
    }
}
