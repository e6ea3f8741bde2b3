using K = Gateway.Modem.Virtual.AtCommandKind;

namespace Gateway.Modem.Virtual;

/// <summary>
/// V.250 and 27.007 commands: result format and echo, identification, SIM PIN, error format,
/// character set, registration, signal, operator, functionality. Run under the modem's lock.
/// </summary>
internal static class AtGeneralHandlers
{
    public const string OperatorName = "Virtual GSM";
    public const string OperatorShortName = "VGSM";
    public const string OperatorNumeric = "00101";

    public static IEnumerable<KeyValuePair<string, AtHandler>> All =>
    [
        new("E", (c, x) => Switch(c, v => x.Profile.Echo = v)),
        new("V", (c, x) => Switch(c, v => x.Profile.Verbose = v)),
        new("Q", (c, x) => Switch(c, v => x.Profile.Quiet = v)),
        new("Z", Reset),
        new("&F", Reset),
        new("I", Identify),
        // Accepted and ignored, as a module without a voice path or DTR wiring does.
        new("&C", Ignored), new("&D", Ignored), new("&K", Ignored), new("&W", Ignored), new("&S", Ignored),
        new("X", Ignored), new("L", Ignored), new("M", Ignored), new("H", Ignored),
        // No voice or data calls on the virtual network.
        new("A", NoCalls), new("D", NoCalls), new("O", NoCalls),
        new("+CGMI", (c, x) => Text(c, x, VirtualModem.Manufacturer)),
        new("+GMI", (c, x) => Text(c, x, VirtualModem.Manufacturer)),
        new("+CGMM", (c, x) => Text(c, x, VirtualModem.Model)),
        new("+GMM", (c, x) => Text(c, x, VirtualModem.Model)),
        new("+CGMR", (c, x) => Text(c, x, VirtualModem.Revision)),
        new("+GMR", (c, x) => Text(c, x, VirtualModem.Revision)),
        new("+CGSN", (c, x) => Text(c, x, x.Modem.Imei)),
        new("+GSN", (c, x) => Text(c, x, x.Modem.Imei)),
        new("+GCAP", (c, x) => Text(c, x, "+GCAP: +CGSM")),
        new("+CIMI", (c, x) => x.SimNotReady(smsCommand: false) ?? Text(c, x, x.Sim.Imsi)),
        new("+CNUM", OwnNumber),
        new("+CMEE", (c, x) => Number(c, x, "+CMEE", () => x.Profile.Cmee, v => x.Profile.Cmee = v, 0, 2, "(0-2)")),
        new("+CSCS", CharacterSet),
        new("+CPIN", Pin),
        new("+CPAS", (c, x) => Text(c, x, "+CPAS: 0")),
        new("+CSQ", (c, x) => c.Kind == K.Test ? Info(x, "+CSQ: (0-31,99),(0-7,99)") : Text(c, x, $"+CSQ: {x.Modem.SignalLocked},99")),
        new("+CREG", (c, x) => Registration(c, x, "+CREG")),
        new("+CGREG", (c, x) => Registration(c, x, "+CGREG")),
        new("+COPS", Operator),
        new("+CFUN", Functionality),
    ];

    /// <summary>S-registers (ATS7=60, ATS3?): kept and reported; the line framing stays CR/LF/BS whatever S3–S5 say.</summary>
    public static AtFinal SRegister(AtCommand c, AtContext x)
    {
        if (!int.TryParse(c.Name.AsSpan(1), out var register) || register > 255) return AtFinal.PlainError;
        switch (c.Kind)
        {
            case K.Read:
                x.Info(x.Profile.SRegisters.GetValueOrDefault(register).ToString("D3"));
                return AtFinal.Success;
            case K.Set when AtArguments.TryInt(c.Argument, out var value) && value <= 255:
                x.Profile.SRegisters[register] = value;
                return AtFinal.Success;
            case K.Execute:
                return AtFinal.Success;
            default:
                return AtFinal.PlainError;
        }
    }

    /// <summary><c>+CREG: n,stat[,lac,ci]</c> (or the unsolicited <c>+CREG: stat[,lac,ci]</c>); lac/ci only with n=2 while registered, as smstools3 expects.</summary>
    public static string RegistrationLine(string name, int n, VirtualModem modem, bool unsolicited)
    {
        var registered = modem.IsRegisteredLocked;
        // 1 = registered, home network; 2 = searching (radio on, no coverage); 0 = not searching.
        var stat = registered ? 1 : modem.RadioOnLocked && modem.Sim.IsReady ? 2 : 0;
        var head = unsolicited ? $"{name}: {stat}" : $"{name}: {n},{stat}";
        if (n != 2 || !registered) return head;
        var (lac, ci) = modem.CellLocked;
        return $"{head},\"{lac}\",\"{ci}\"";
    }

    private static AtFinal Switch(AtCommand c, Action<bool> set)
    {
        switch (c.Argument)
        {
            case "" or "0":
                set(false);
                return AtFinal.Success;
            case "1":
                set(true);
                return AtFinal.Success;
            default:
                return AtFinal.PlainError;
        }
    }

    private static AtFinal Reset(AtCommand c, AtContext x)
    {
        if (c.Argument is not ("" or "0")) return AtFinal.PlainError;
        x.Profile.Reset();
        return AtFinal.Success;
    }

    private static AtFinal Identify(AtCommand c, AtContext x)
    {
        if (c.Kind == K.Read) return AtFinal.PlainError;
        x.Info(VirtualModem.Manufacturer);
        x.Info(VirtualModem.Model);
        x.Info("Revision: " + VirtualModem.Revision);
        return AtFinal.Success;
    }

    private static AtFinal Ignored(AtCommand c, AtContext x) => c.Kind == K.Read ? AtFinal.PlainError : AtFinal.Success;

    private static AtFinal NoCalls(AtCommand c, AtContext x) => AtFinal.Fail(AtError.Cme(CmeCodes.OperationNotSupported));

    /// <summary>An execute-only command that prints one line; its test form answers OK.</summary>
    private static AtFinal Text(AtCommand c, AtContext x, string line) => c.Kind switch
    {
        K.Execute => Info(x, line),
        K.Test => AtFinal.Success,
        _ => AtFinal.Fail(AtError.Cme(CmeCodes.OperationNotSupported)),
    };

    private static AtFinal Info(AtContext x, string line)
    {
        x.Info(line);
        return AtFinal.Success;
    }

    /// <summary>A numeric setting with read, test and set forms; the bare command sets the default 0.</summary>
    internal static AtFinal Number(AtCommand c, AtContext x, string name, Func<int> get, Action<int> set, int min, int max, string range)
    {
        switch (c.Kind)
        {
            case K.Read:
                return Info(x, $"{name}: {get()}");
            case K.Test:
                return Info(x, $"{name}: {range}");
            case K.Execute:
                set(min);
                return AtFinal.Success;
            default:
                var args = c.Args;
                if (args.Length != 1 || !AtArguments.TryInt(args[0], out var v) || v < min || v > max)
                    return AtFinal.Fail(AtError.Cme(CmeCodes.IncorrectParameters));
                set(v);
                return AtFinal.Success;
        }
    }

    private static AtFinal OwnNumber(AtCommand c, AtContext x)
    {
        if (c.Kind == K.Test) return AtFinal.Success;
        if (c.Kind != K.Execute) return AtFinal.Fail(AtError.Cme(CmeCodes.OperationNotSupported));
        if (x.SimNotReady(smsCommand: false) is { } notReady) return notReady;
        return Info(x, $"+CNUM: {x.Quoted("")},{x.Quoted(x.Sim.Number)},145");
    }

    private static AtFinal CharacterSet(AtCommand c, AtContext x)
    {
        switch (c.Kind)
        {
            case K.Read:
                return Info(x, $"+CSCS: \"{x.Profile.Charset}\"");
            case K.Test:
                return Info(x, "+CSCS: (" + string.Join(",", AtCharset.Supported.Select(s => $"\"{s}\"")) + ")");
            case K.Set:
                var args = c.Args;
                if (args.Length != 1) return AtFinal.Fail(AtError.Cme(CmeCodes.IncorrectParameters));
                // Some clients write the name itself in the current character set.
                var raw = AtArguments.Unquote(args[0]).ToUpperInvariant();
                var name = AtCharset.Supported.Contains(raw) ? raw : x.Unquoted(args[0]).ToUpperInvariant();
                if (!AtCharset.Supported.Contains(name)) return AtFinal.Fail(AtError.Cme(CmeCodes.OperationNotSupported));
                x.Profile.Charset = name;
                return AtFinal.Success;
            default:
                x.Profile.Charset = "GSM";
                return AtFinal.Success;
        }
    }

    private static AtFinal Pin(AtCommand c, AtContext x)
    {
        var sim = x.Sim;
        switch (c.Kind)
        {
            case K.Read:
                return sim.Lock switch
                {
                    SimLock.Ready => Info(x, "+CPIN: READY"),
                    SimLock.PinRequired => Info(x, "+CPIN: SIM PIN"),
                    SimLock.PukRequired => Info(x, "+CPIN: SIM PUK"),
                    _ => AtFinal.Fail(AtError.Cme(CmeCodes.SimFailure)),
                };
            case K.Test:
                return AtFinal.Success;
            case K.Set:
                var args = c.Args;
                if (args.Length is < 1 or > 2) return AtFinal.Fail(AtError.Cme(CmeCodes.IncorrectParameters));
                var code = AtArguments.Unquote(args[0]);
                bool unlocked;
                switch (sim.Lock)
                {
                    case SimLock.Ready:
                        return AtFinal.Fail(AtError.Cme(CmeCodes.OperationNotAllowed));
                    case SimLock.PinRequired when args.Length == 1:
                        unlocked = sim.EnterPin(code);
                        break;
                    case SimLock.PukRequired when args.Length == 2:
                        unlocked = sim.EnterPuk(code, AtArguments.Unquote(args[1]));
                        break;
                    case SimLock.PukRequired:
                        return AtFinal.Fail(AtError.Cme(CmeCodes.SimPukRequired));
                    case SimLock.Blocked:
                        return AtFinal.Fail(AtError.Cme(CmeCodes.SimFailure));
                    default:
                        return AtFinal.Fail(AtError.Cme(CmeCodes.IncorrectParameters));
                }
                if (!unlocked) return AtFinal.Fail(AtError.Cme(CmeCodes.IncorrectPassword));
                // Like SIMCom modules: once the SIM is ready the SMS service announces itself (held until the OK).
                x.Modem.PostUnsolicitedLocked("SMS Ready");
                return AtFinal.Success;
            default:
                return AtFinal.Fail(AtError.Cme(CmeCodes.OperationNotSupported));
        }
    }

    private static AtFinal Registration(AtCommand c, AtContext x, string name)
    {
        var gprs = name == "+CGREG";
        switch (c.Kind)
        {
            case K.Read:
                var n = gprs ? x.Profile.GprsRegistrationReports : x.Profile.RegistrationReports;
                return Info(x, RegistrationLine(name, n, x.Modem, unsolicited: false));
            default:
                return Number(c, x, name,
                    () => gprs ? x.Profile.GprsRegistrationReports : x.Profile.RegistrationReports,
                    v =>
                    {
                        if (gprs) x.Profile.GprsRegistrationReports = v;
                        else x.Profile.RegistrationReports = v;
                    },
                    0, 2, "(0-2)");
        }
    }

    private static AtFinal Operator(AtCommand c, AtContext x)
    {
        switch (c.Kind)
        {
            case K.Read:
                if (!x.Modem.IsRegisteredLocked) return Info(x, "+COPS: 0");
                var format = x.Profile.OperatorFormat;
                var name = format switch { 1 => OperatorShortName, 2 => OperatorNumeric, _ => OperatorName };
                return Info(x, $"+COPS: 0,{format},{x.Quoted(name)}");
            case K.Test:
                return Info(x, $"+COPS: (2,{x.Quoted(OperatorName)},{x.Quoted(OperatorShortName)},{x.Quoted(OperatorNumeric)}),,(0-4),(0-2)");
            case K.Execute:
                return AtFinal.Success;
            default:
                var args = c.Args;
                if (args.Length == 0 || !AtArguments.TryInt(args[0], out var mode)) return AtFinal.Fail(AtError.Cme(CmeCodes.IncorrectParameters));
                var formatArg = 0;
                if (args.Length > 1 && args[1].Length > 0 && (!AtArguments.TryInt(args[1], out formatArg) || formatArg > 2))
                    return AtFinal.Fail(AtError.Cme(CmeCodes.IncorrectParameters));
                switch (mode)
                {
                    case 0 or 3:
                        if (args.Length > 1) x.Profile.OperatorFormat = formatArg;
                        return AtFinal.Success;
                    case 1 or 4 when args.Length > 2:
                        var wanted = x.Unquoted(args[2]);
                        return wanted is OperatorName or OperatorShortName or OperatorNumeric
                            ? AtFinal.Success
                            : AtFinal.Fail(AtError.Cme(CmeCodes.NoNetworkService));
                    default:
                        return AtFinal.Fail(AtError.Cme(CmeCodes.OperationNotAllowed));
                }
        }
    }

    private static AtFinal Functionality(AtCommand c, AtContext x)
    {
        switch (c.Kind)
        {
            case K.Read:
                return Info(x, $"+CFUN: {(x.Modem.RadioOnLocked ? 1 : 0)}");
            case K.Test:
                return Info(x, "+CFUN: (0,1,4),(0-1)");
            case K.Set:
                var args = c.Args;
                if (args.Length is < 1 or > 2 || !AtArguments.TryInt(args[0], out var fun) || fun is not (0 or 1 or 4))
                    return AtFinal.Fail(AtError.Cme(CmeCodes.IncorrectParameters));
                x.Modem.RadioOnLocked = fun == 1;
                return AtFinal.Success;
            default:
                return AtFinal.Fail(AtError.Cme(CmeCodes.OperationNotSupported));
        }
    }
}
