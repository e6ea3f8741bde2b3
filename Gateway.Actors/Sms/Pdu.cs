namespace Gateway.Sms;

/// <summary>Which way a PDU travels, which decides how its TP-MTI is read (3GPP TS 23.040 9.2.3.1).</summary>
public enum PduDirection
{
    /// <summary>Network → phone (what a modem reads: SMS-DELIVER, SMS-STATUS-REPORT).</summary>
    MobileTerminated,

    /// <summary>Phone → network (what a modem sends: SMS-SUBMIT).</summary>
    MobileOriginated,

    /// <summary>Guess from TP-MTI: 00 deliver, 01 submit, 10 status report (for operators' debugging).</summary>
    Any,
}

/// <summary>
/// PDU-mode encoding and decoding of SMS TPDUs (3GPP TS 23.040) as modems take and give them
/// with AT+CMGS / AT+CMGR / +CMT / +CDS: pure functions, no actor system.
/// </summary>
/// <remarks>
/// The encoders read <c>Text</c> for GSM-7 and UCS2 and <c>Data</c> for 8-bit; the decoders fill
/// both (see <see cref="SmsDeliver"/>). Field layouts live beside their code:
/// <see cref="PduAddress"/>, <see cref="ServiceCentreTimestamp"/>, <see cref="DataCodingScheme"/>,
/// <see cref="ValidityPeriod"/>, <see cref="UserDataHeader"/>, <see cref="SeptetPacking"/>.
/// </remarks>
public static class Pdu
{
    /// <summary>The longest PDU (SMSC prefix included) any encoder here writes, in octets.</summary>
    public const int MaxLength = PduEncoder.MaxLength;

    /// <summary>
    /// Decodes one PDU. <paramref name="hasServiceCentre"/>: the PDU starts with the SMSC address
    /// octets, as in AT+CMGR, AT+CMGL, +CMT and +CDS output. Never throws anything but
    /// <see cref="PduFormatException"/>. Octets after the last field are ignored (some modems pad).
    /// </summary>
    public static SmsPdu Decode(ReadOnlySpan<byte> pdu, bool hasServiceCentre = true, PduDirection direction = PduDirection.Any)
    {
        try
        {
            return PduDecoder.Decode(pdu, hasServiceCentre, direction);
        }
        catch (Exception e) when (e is not PduFormatException and not OutOfMemoryException)
        {
            // A defect of ours, not of the PDU (the property tests make sure this never fires); still
            // reported the one way callers expect, so a modem actor never dies of a PDU.
            throw new PduFormatException($"the PDU could not be decoded: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Decodes a PDU written in hex, as modems print it; bad hex is a <see cref="PduFormatException"/> too.</summary>
    public static SmsPdu DecodeHex(string hex, bool hasServiceCentre = true, PduDirection direction = PduDirection.Any) =>
        Decode(FromHex(hex), hasServiceCentre, direction);

    /// <summary>Like <see cref="Decode"/> but reports a failure instead of throwing.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> pdu, bool hasServiceCentre, PduDirection direction, out SmsPdu? result, out string? error)
    {
        try
        {
            result = Decode(pdu, hasServiceCentre, direction);
            error = null;
            return true;
        }
        catch (PduFormatException e)
        {
            result = null;
            error = e.Message;
            return false;
        }
    }

    /// <summary>
    /// Encodes an SMS-SUBMIT with the leading SMSC octets AT+CMGS expects (<c>00</c> = the SIM's
    /// default SMSC unless <paramref name="serviceCentre"/> is given).
    /// </summary>
    /// <exception cref="ArgumentException">The text is not in its coding, does not fit one SMS, or a field is out of range.</exception>
    public static byte[] Encode(SmsSubmit submit, string? serviceCentre = null)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        return buffer[..PduEncoder.WriteSubmit(submit, serviceCentre, buffer)].ToArray();
    }

    /// <summary>Encodes an SMS-SUBMIT into <paramref name="destination"/> (at least <see cref="MaxLength"/> octets is always enough); returns the octets written.</summary>
    public static int Encode(SmsSubmit submit, Span<byte> destination, string? serviceCentre = null)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        return CopyOut(buffer[..PduEncoder.WriteSubmit(submit, serviceCentre, buffer)], destination);
    }

    /// <summary>
    /// Encodes an SMS-DELIVER with leading SMSC octets (what a modem prints for AT+CMGR). The SMSC is
    /// <paramref name="serviceCentre"/>, else the record's <see cref="SmsDeliver.ServiceCentre"/>, else <c>00</c>.
    /// </summary>
    public static byte[] Encode(SmsDeliver deliver, string? serviceCentre = null)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        return buffer[..PduEncoder.WriteDeliver(deliver, serviceCentre, buffer)].ToArray();
    }

    /// <summary>Encodes an SMS-STATUS-REPORT with leading SMSC octets (what a modem prints for +CDS); SMSC chosen as for SMS-DELIVER.</summary>
    public static byte[] Encode(SmsStatusReport report, string? serviceCentre = null)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        return buffer[..PduEncoder.WriteStatusReport(report, serviceCentre, buffer)].ToArray();
    }

    /// <summary>The TPDU length AT+CMGS=&lt;length&gt; takes: the PDU's octets after the SMSC part.</summary>
    public static int TpduLength(ReadOnlySpan<byte> pduWithServiceCentre) => pduWithServiceCentre.Length - 1 - pduWithServiceCentre[0];

    /// <summary>Upper-case hex, as AT+CMGS takes a PDU.</summary>
    public static string ToHex(ReadOnlySpan<byte> pdu) => Convert.ToHexString(pdu);

    /// <summary>Parses hex as a modem prints a PDU (either case; white space anywhere is ignored, so a pasted dump works).</summary>
    /// <exception cref="PduFormatException">Not hex, or an odd number of digits.</exception>
    public static byte[] FromHex(string hex)
    {
        var digits = 0;
        for (var i = 0; i < hex.Length; i++)
        {
            if (char.IsWhiteSpace(hex[i])) continue;
            if (HexValue(hex[i]) < 0)
                throw new PduFormatException($"'{hex[i]}' at character {i + 1} is not a hex digit");
            digits++;
        }
        if (digits % 2 != 0)
            throw new PduFormatException($"the hex has an odd number of digits ({digits})");
        var bytes = new byte[digits / 2];
        var n = 0;
        foreach (var c in hex)
        {
            if (char.IsWhiteSpace(c)) continue;
            bytes[n / 2] |= (byte)(n % 2 == 0 ? HexValue(c) << 4 : HexValue(c));
            n++;
        }
        return bytes;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };

    private static int CopyOut(ReadOnlySpan<byte> pdu, Span<byte> destination)
    {
        if (!pdu.TryCopyTo(destination))
            throw new ArgumentException($"the PDU takes {pdu.Length} octets, the destination has {destination.Length}", nameof(destination));
        return pdu.Length;
    }
}
