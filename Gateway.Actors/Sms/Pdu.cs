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
public static class Pdu
{
    /// <summary>
    /// Decodes one PDU. <paramref name="hasServiceCentre"/>: the PDU starts with the SMSC address
    /// octets, as in AT+CMGR, AT+CMGL, +CMT and +CDS output. Never throws anything but
    /// <see cref="PduFormatException"/>.
    /// </summary>
    public static SmsPdu Decode(ReadOnlySpan<byte> pdu, bool hasServiceCentre = true, PduDirection direction = PduDirection.Any) =>
        throw new NotImplementedException("PDU codec: to be written");

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
    public static byte[] Encode(SmsSubmit submit, string? serviceCentre = null) =>
        throw new NotImplementedException("PDU codec: to be written");

    /// <summary>Encodes an SMS-DELIVER with leading SMSC octets (what a modem prints for AT+CMGR).</summary>
    public static byte[] Encode(SmsDeliver deliver, string? serviceCentre = null) =>
        throw new NotImplementedException("PDU codec: to be written");

    /// <summary>Encodes an SMS-STATUS-REPORT with leading SMSC octets (what a modem prints for +CDS).</summary>
    public static byte[] Encode(SmsStatusReport report, string? serviceCentre = null) =>
        throw new NotImplementedException("PDU codec: to be written");

    /// <summary>The TPDU length AT+CMGS=&lt;length&gt; takes: the PDU's octets after the SMSC part.</summary>
    public static int TpduLength(ReadOnlySpan<byte> pduWithServiceCentre) => pduWithServiceCentre.Length - 1 - pduWithServiceCentre[0];
}
