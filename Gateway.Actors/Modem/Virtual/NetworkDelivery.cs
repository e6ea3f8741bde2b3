using System.Collections.Immutable;
using Gateway.Sms;

namespace Gateway.Modem.Virtual;

/// <summary>
/// Something the network hands to a SIM: an SMS-DELIVER or an SMS-STATUS-REPORT, already
/// encoded as the modem will print it (SMSC octets first).
/// </summary>
internal sealed record NetworkDelivery(bool IsStatusReport, ImmutableArray<byte> Pdu, MessageClass Class, string Summary)
{
    public int TpduLength => Pdu.Length - 1 - Pdu[0];

    public string Hex => Convert.ToHexString(Pdu.AsSpan());

    public static NetworkDelivery Sms(byte[] pdu, MessageClass messageClass, string summary) =>
        new(false, [.. pdu], messageClass, summary);

    public static NetworkDelivery StatusReport(byte[] pdu, string summary) =>
        new(true, [.. pdu], MessageClass.None, summary);
}

/// <summary>What happened when the network offered a delivery to a modem.</summary>
internal enum DeliveryAttempt
{
    /// <summary>The modem took it (stored, shown directly, or a status report its CNMI drops).</summary>
    Accepted,

    /// <summary>The SIM is full: the network keeps it and offers it again when space is freed.</summary>
    MemoryFull,

    /// <summary>The modem is gone, off the network or its SIM is locked: the network keeps it.</summary>
    Unreachable,
}
