using System.Collections.Immutable;

namespace Gateway.Sms;

/// <summary>How the user data of an SMS is coded (TP-DCS alphabet).</summary>
public enum SmsCoding { Gsm7, Ucs2, EightBit }

/// <summary>TP-DCS message class; <see cref="None"/> when the DCS carries no class.</summary>
public enum MessageClass { None, Class0, Class1, Class2, Class3 }

/// <summary>
/// How an address is written in a PDU (type of number, 23.040 9.1.2.5): international (TON 001),
/// national (TON 010), alphanumeric (TON 101, GSM-7 packed), and everything else (unknown,
/// network-specific, subscriber, abbreviated) as <see cref="Other"/>.
/// </summary>
public enum AddressType { International, National, Alphanumeric, Other }

/// <summary>
/// An originator or destination as carried in a PDU. <see cref="Value"/> is E.164 with <c>+</c>
/// for <see cref="AddressType.International"/>, the digits as given for national/other, and the
/// decoded text for <see cref="AddressType.Alphanumeric"/> senders.
/// </summary>
public sealed record SmsAddress(AddressType Type, string Value)
{
    public static SmsAddress International(PhoneNumber number) => new(AddressType.International, number.E164);

    public static SmsAddress Alphanumeric(string text) => new(AddressType.Alphanumeric, text);

    public override string ToString() => Value;
}

/// <summary>Concatenation information from the UDH: reference (8- or 16-bit), total parts, this part's 1-based number.</summary>
public sealed record ConcatInfo(int Reference, int Total, int Sequence, bool SixteenBitReference = false);

/// <summary>What a status report says about delivery, from TP-ST (3GPP TS 23.040 9.2.3.15).</summary>
public enum DeliveryOutcome
{
    /// <summary>0x00–0x1F: the SMS reached the phone.</summary>
    Delivered,

    /// <summary>0x20–0x3F: temporary error, the service centre is still trying.</summary>
    Pending,

    /// <summary>0x40–0x7F (and reserved values): the service centre gave up.</summary>
    Failed,
}

/// <summary>A decoded TPDU: one of <see cref="SmsDeliver"/>, <see cref="SmsSubmit"/>, <see cref="SmsStatusReport"/>.</summary>
public abstract record SmsPdu;

/// <summary>SMS-DELIVER (network → phone): an SMS someone sent to our SIM.</summary>
/// <param name="Text">The decoded text (GSM-7 or UCS2); for 8-bit data, the bytes as upper-case hex. The encoder reads it for GSM-7 and UCS2.</param>
/// <param name="Data">The user data without the UDH, as decoded: 8-bit data as it came, UCS2 as big-endian octets,
/// GSM-7 as septets one per byte (escape codes included). The encoder reads it only for 8-bit data.</param>
/// <param name="ServiceCentre">The SMSC address from the PDU's prefix, if there was one.</param>
public sealed record SmsDeliver(
    SmsAddress Originator,
    DateTimeOffset Timestamp,
    SmsCoding Coding,
    MessageClass Class,
    string Text,
    ImmutableArray<byte> Data,
    ConcatInfo? Concat,
    string? ServiceCentre = null,
    bool StatusReportIndication = false,
    int ProtocolIdentifier = 0) : SmsPdu;

/// <summary>SMS-SUBMIT (phone → network): one part of an SMS we send.</summary>
/// <param name="MessageReference">TP-MR; 0 lets the modem assign one (it reports it in <c>+CMGS: mr</c>).</param>
/// <param name="Text">The part's text, encoded for GSM-7 and UCS2 (it must fit one SMS: <see cref="TextPlanner"/> splits).</param>
/// <param name="Data">8-bit user data (encoded only for <see cref="SmsCoding.EightBit"/>); the decoder fills it as for <see cref="SmsDeliver"/>.</param>
/// <param name="ValidityPeriod">Relative validity period (TP-VPF = relative), or null for none.</param>
public sealed record SmsSubmit(
    int MessageReference,
    SmsAddress Destination,
    SmsCoding Coding,
    string Text,
    ImmutableArray<byte> Data,
    ConcatInfo? Concat,
    bool StatusReportRequested,
    TimeSpan? ValidityPeriod,
    MessageClass Class = MessageClass.None) : SmsPdu;

/// <summary>SMS-STATUS-REPORT (network → phone): what became of an SMS we sent, matched by TP-MR.</summary>
public sealed record SmsStatusReport(
    int MessageReference,
    SmsAddress Recipient,
    DateTimeOffset ServiceCentreTimestamp,
    DateTimeOffset DischargeTime,
    int Status,
    string? ServiceCentre = null) : SmsPdu
{
    public DeliveryOutcome Outcome => Status switch
    {
        <= 0x1F => DeliveryOutcome.Delivered,
        <= 0x3F => DeliveryOutcome.Pending,
        _ => DeliveryOutcome.Failed,
    };
}

/// <summary>The codec's own error: what in the PDU could not be decoded, and at which octet.</summary>
public sealed class PduFormatException(string problem, int offset = -1)
    : FormatException(offset >= 0 ? $"{problem} (at octet {offset})" : problem)
{
    public string Problem { get; } = problem;

    public int Offset { get; } = offset;
}
