using System.Collections.Immutable;
using System.Globalization;

namespace Gateway.Modem.At;

/// <summary>Network registration state, <c>&lt;stat&gt;</c> of +CREG (27.007 §7.2).</summary>
public enum RegistrationStatus
{
    NotSearching = 0,
    Home = 1,
    Searching = 2,
    Denied = 3,
    Unknown = 4,
    Roaming = 5,
    HomeSmsOnly = 6,
    RoamingSmsOnly = 7,
}

/// <summary>Where the modem is registered: status and, when the modem gives them (AT+CREG=2), location area and cell.</summary>
public sealed record Registration(RegistrationStatus Status, string? LocationArea = null, string? Cell = null)
{
    /// <summary>Registered on the home network or roaming: SMS can be sent.</summary>
    public bool IsRegistered => Status is RegistrationStatus.Home or RegistrationStatus.Roaming
        or RegistrationStatus.HomeSmsOnly or RegistrationStatus.RoamingSmsOnly;
}

/// <summary>One entry of AT+CMGL output: storage index, <c>&lt;stat&gt;</c> and PDU; or what was wrong with it.</summary>
public sealed record ListedMessage(int Index, int Status, string? PduHex, string? Problem = null);

/// <summary>
/// Parsers for the information lines of the commands the driver uses (27.005 / 27.007). Pure
/// functions over strings; a malformed line is reported as "not parsed", never thrown.
/// </summary>
public static class AtResponses
{
    /// <summary><c>&lt;stat&gt;</c> values of AT+CMGL/+CMGR in PDU mode.</summary>
    public const int ReceivedUnread = 0, ReceivedRead = 1, StoredUnsent = 2, StoredSent = 3;

    /// <summary>+CSQ: <c>rssi,ber</c>; rssi 0–31, or 99 = not known.</summary>
    public static bool TryParseSignal(string? value, out int rssi)
    {
        rssi = 99;
        if (value is null) return false;
        var fields = Fields(value);
        return fields.Length >= 1 && TryInt(fields[0], out rssi) && rssi is >= 0 and <= 31 or 99;
    }

    /// <summary>CSQ rssi to dBm (0 = −113 dBm or less, 31 = −51 dBm or more); null when not known (99).</summary>
    public static int? SignalDbm(int rssi) => rssi is >= 0 and <= 31 ? -113 + 2 * rssi : null;

    /// <summary>
    /// +CREG in both its forms: the answer to AT+CREG? is <c>n,stat[,lac,ci[,act]]</c>, the
    /// unsolicited code is <c>stat[,lac,ci[,act]]</c>. They differ in whether the second field is a
    /// bare number (stat) or a quoted location area. Accepts the value with or without <c>+CREG:</c>.
    /// </summary>
    public static bool TryParseRegistration(string value, out Registration registration)
    {
        registration = new Registration(RegistrationStatus.Unknown);
        if (value.StartsWith("+CREG:", StringComparison.Ordinal)) value = value["+CREG:".Length..];
        var f = Fields(value);
        if (f.Length == 0) return false;
        var solicited = f.Length >= 2 && !f[1].StartsWith('"') && TryInt(f[1], out _);
        var statIndex = solicited ? 1 : 0;
        if (!TryInt(f[statIndex], out var stat) || stat is < 0 or > 10) return false;
        var lac = f.Length > statIndex + 1 ? Unquote(f[statIndex + 1]) : null;
        var ci = f.Length > statIndex + 2 ? Unquote(f[statIndex + 2]) : null;
        registration = new Registration(stat <= 7 ? (RegistrationStatus)stat : RegistrationStatus.Unknown, lac, ci);
        return true;
    }

    /// <summary>+COPS?: <c>mode[,format,"oper"[,act]]</c>; the operator's name, or null when not registered.</summary>
    public static string? ParseOperator(string? value)
    {
        if (value is null) return null;
        var f = Fields(value);
        return f.Length >= 3 ? Unquote(f[2]) : null;
    }

    /// <summary>+CPIN?: <c>READY</c>, <c>SIM PIN</c>, <c>SIM PUK</c>, …</summary>
    public static string? ParsePinState(string? value) => value is null ? null : Unquote(value.Trim());

    /// <summary>+CSMS?: <c>service,mt,mo,bm</c>; service 1 means +CMT/+CDS must be acknowledged with AT+CNMA.</summary>
    public static bool TryParseSmsService(string? value, out int service)
    {
        service = 0;
        return value is not null && Fields(value) is { Length: >= 1 } f && TryInt(f[0], out service);
    }

    /// <summary>+CMGS: <c>mr[,scts]</c>: the TP-MR the modem gave the submitted part.</summary>
    public static bool TryParseMessageReference(string? value, out int reference)
    {
        reference = 0;
        return value is not null && Fields(value) is { Length: >= 1 } f && TryInt(f[0], out reference) && reference is >= 0 and <= 255;
    }

    /// <summary><c>"SM",3</c> (+CMTI, +CDSI): memory and index.</summary>
    public static bool TryParseStorageIndex(string value, out string memory, out int index)
    {
        memory = "";
        index = -1;
        var f = Fields(value);
        if (f.Length < 2 || !TryInt(f[1], out index) || index < 0) return false;
        memory = Unquote(f[0]);
        return true;
    }

    /// <summary>
    /// AT+CMGL=4 in PDU mode: pairs of <c>+CMGL: index,stat,[alpha],length</c> and a PDU line. An
    /// entry whose header cannot be read or whose PDU line is missing or not hex is returned with
    /// its <see cref="ListedMessage.Problem"/>, so the caller can log it and leave it on the SIM.
    /// </summary>
    public static ImmutableArray<ListedMessage> ParseMessageList(IReadOnlyList<string> lines)
    {
        var result = ImmutableArray.CreateBuilder<ListedMessage>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (!line.StartsWith("+CMGL:", StringComparison.Ordinal)) continue;
            var f = Fields(line["+CMGL:".Length..]);
            if (f.Length < 2 || !TryInt(f[0], out var index) || !TryInt(f[1], out var stat))
            {
                result.Add(new ListedMessage(-1, -1, null, $"unreadable list entry \"{line}\""));
                continue;
            }
            var pdu = i + 1 < lines.Count ? lines[i + 1] : null;
            if (pdu is null || !IsHex(pdu))
            {
                result.Add(new ListedMessage(index, stat, null, "no PDU line after the list entry"));
                continue;
            }
            result.Add(new ListedMessage(index, stat, pdu.Trim()));
            i++;
        }
        return result.ToImmutable();
    }

    /// <summary>
    /// AT+CMGR=index in PDU mode: <c>+CMGR: stat,[alpha],length</c> and a PDU line. False when
    /// the slot is empty (some modems answer OK with no lines, others +CMGR: 0,,0).
    /// </summary>
    public static bool TryParseReadMessage(IReadOnlyList<string> lines, out int status, out string pduHex)
    {
        status = -1;
        pduHex = "";
        for (var i = 0; i < lines.Count; i++)
        {
            if (!lines[i].StartsWith("+CMGR:", StringComparison.Ordinal)) continue;
            var f = Fields(lines[i]["+CMGR:".Length..]);
            if (f.Length < 1 || !TryInt(f[0], out status)) return false;
            if (i + 1 >= lines.Count || !IsHex(lines[i + 1])) return false;
            pduHex = lines[i + 1].Trim();
            return pduHex.Length > 0;
        }
        return false;
    }

    /// <summary>True for a non-empty line of an even number of hex digits (a PDU).</summary>
    public static bool IsHex(string line)
    {
        var s = line.AsSpan().Trim();
        if (s.Length == 0 || s.Length % 2 != 0) return false;
        foreach (var c in s)
            if (!char.IsAsciiHexDigit(c)) return false;
        return true;
    }

    /// <summary>Splits on commas outside quotes and trims each field.</summary>
    internal static string[] Fields(string value)
    {
        var fields = new List<string>(4);
        var start = 0;
        var quoted = false;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '"') quoted = !quoted;
            else if (value[i] == ',' && !quoted)
            {
                fields.Add(value[start..i].Trim());
                start = i + 1;
            }
        }
        fields.Add(value[start..].Trim());
        return fields.Count == 1 && fields[0].Length == 0 ? [] : fields.ToArray();
    }

    private static string Unquote(string s) => s.Length >= 2 && s[0] == '"' && s[^1] == '"' ? s[1..^1] : s;

    private static bool TryInt(string s, out int n) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out n);
}
