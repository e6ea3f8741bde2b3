using Gateway.Sms;

namespace Gateway.Tests.Modem.Support;

/// <summary>PDUs for scripted modems, made with the gateway's own codec (what a modem would print for AT+CMGR, +CMT, +CDS).</summary>
public static class Pdus
{
    public static readonly DateTimeOffset Sent = new(2026, 3, 14, 15, 9, 26, TimeSpan.FromHours(1));

    public static SmsSubmit Submit(string to, string text, ConcatInfo? concat = null, bool statusReport = false) =>
        new(0, new SmsAddress(AddressType.International, to), SmsCoding.Gsm7, text, [], concat, statusReport, null);

    public static SmsDeliver Deliver(string from, string text, ConcatInfo? concat = null) =>
        new(new SmsAddress(AddressType.International, from), Sent, SmsCoding.Gsm7, MessageClass.None, text, [], concat, "+420603052000");

    /// <summary>Hex of an SMS-DELIVER with its SMSC prefix, as AT+CMGR prints it.</summary>
    public static string DeliverHex(string from, string text, ConcatInfo? concat = null) =>
        Convert.ToHexString(Pdu.Encode(Deliver(from, text, concat), "+420603052000"));

    /// <summary>Hex of an SMS-STATUS-REPORT for TP-MR <paramref name="reference"/>, as +CDS carries it.</summary>
    public static string StatusReportHex(int reference, string recipient, int status = 0) =>
        Convert.ToHexString(Pdu.Encode(new SmsStatusReport(reference, new SmsAddress(AddressType.International, recipient), Sent, Sent.AddSeconds(5), status), "+420603052000"));

    /// <summary>What the module must write for a part: the AT+CMGS length and the PDU hex.</summary>
    public static (string Command, string Pdu) Expected(SmsSubmit part)
    {
        var pdu = Pdu.Encode(part);
        return ($"AT+CMGS={Pdu.TpduLength(pdu)}", "PDU:" + Convert.ToHexString(pdu));
    }

    public static int TpduLength(string hex) => Pdu.TpduLength(Convert.FromHexString(hex));
}
