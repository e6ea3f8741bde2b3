using System.Globalization;

namespace Gateway.Modem.At;

/// <summary>
/// An unsolicited result code: something the modem reports on its own, in any state, even in the
/// middle of another command's reply. Only those the driver acts on are typed; any other line
/// that arrives while no command is in flight is logged (<see cref="AtEvent.Ignored"/>).
/// </summary>
public abstract record Unsolicited
{
    /// <summary>Unsolicited codes whose PDU follows on the next line.</summary>
    internal static bool IsTwoLine(string line) =>
        line.StartsWith("+CMT:", StringComparison.Ordinal) || line.StartsWith("+CDS:", StringComparison.Ordinal);

    /// <summary>Recognises a one-line unsolicited code, or the header of a two-line one (+CMT, +CDS).</summary>
    public static bool TryParse(string line, out Unsolicited? urc)
    {
        urc = null;
        if (line.StartsWith("+CMTI:", StringComparison.Ordinal))
        {
            if (AtResponses.TryParseStorageIndex(line["+CMTI:".Length..], out var mem, out var index))
                urc = new MessageStored(mem, index);
        }
        else if (line.StartsWith("+CDSI:", StringComparison.Ordinal))
        {
            if (AtResponses.TryParseStorageIndex(line["+CDSI:".Length..], out var mem, out var index))
                urc = new StatusReportStored(mem, index);
        }
        else if (line.TrimEnd() == "RING")
            urc = Ring.Instance;
        else if (line.StartsWith("+CREG:", StringComparison.Ordinal))
        {
            if (AtResponses.TryParseRegistration(line, out var reg))
                urc = new RegistrationChanged(reg);
        }
        else if (IsTwoLine(line))
            urc = null; // needs the PDU line: AtExchange pairs them
        return urc is not null;
    }

    /// <summary>The PDU length announced in a +CMT / +CDS header (<c>+CMT: [alpha],len</c>, <c>+CDS: len</c>).</summary>
    internal static int? LengthIn(string header)
    {
        var comma = header.LastIndexOf(',');
        var start = comma >= 0 ? comma + 1 : header.IndexOf(':') + 1;
        return int.TryParse(header[start..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}

/// <summary><c>+CMTI: "SM",3</c>: a new SMS was stored at <see cref="Index"/> of <see cref="Memory"/>.</summary>
public sealed record MessageStored(string Memory, int Index) : Unsolicited;

/// <summary><c>+CDSI: "SM",4</c>: a status report was stored.</summary>
public sealed record StatusReportStored(string Memory, int Index) : Unsolicited;

/// <summary><c>+CMT: ,len</c> + PDU line: an SMS routed straight to us, not stored on the SIM.</summary>
public sealed record MessageDelivered(string PduHex, int? AnnouncedLength) : Unsolicited;

/// <summary><c>+CDS: len</c> + PDU line: a status report routed straight to us.</summary>
public sealed record StatusReportDelivered(string PduHex, int? AnnouncedLength) : Unsolicited;

/// <summary><c>RING</c>: an incoming call (the gateway does not take calls; it is logged).</summary>
public sealed record Ring : Unsolicited
{
    public static Ring Instance { get; } = new();
}

/// <summary><c>+CREG: stat[,lac,ci]</c> after AT+CREG=1/2: registration changed.</summary>
public sealed record RegistrationChanged(Registration Registration) : Unsolicited;
