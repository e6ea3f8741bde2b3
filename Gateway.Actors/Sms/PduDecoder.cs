namespace Gateway.Sms;

/// <summary>
/// Reads SMS-DELIVER, SMS-SUBMIT and SMS-STATUS-REPORT TPDUs field by field (3GPP TS 23.040
/// 9.2.2). Every problem is a <see cref="PduFormatException"/> naming the field and octet.
/// </summary>
internal static class PduDecoder
{
    // First-octet bits (23.040 9.2.3): TP-MTI in bits 1–0, then per type.
    private const int UserDataHeaderIndicator = 0x40;
    private const int StatusReportBit = 0x20; // TP-SRI in DELIVER, TP-SRR in SUBMIT
    private const int ValidityFormatMask = 0x18;

    public static SmsPdu Decode(ReadOnlySpan<byte> pdu, bool hasServiceCentre, PduDirection direction)
    {
        var r = new PduReader(pdu);
        var serviceCentre = hasServiceCentre ? PduAddress.ReadServiceCentre(ref r) : null;
        var firstOffset = r.Position;
        var first = r.Byte("the first octet (TP-MTI)");
        var mti = first & 0x3;
        return (direction, mti) switch
        {
            (not PduDirection.MobileOriginated, 0b00) => ReadDeliver(ref r, first, serviceCentre),
            (not PduDirection.MobileTerminated, 0b01) => ReadSubmit(ref r, first),
            (not PduDirection.MobileOriginated, 0b10) => ReadStatusReport(ref r, serviceCentre),
            (PduDirection.MobileTerminated, 0b01) => throw new PduFormatException("TP-MTI 01 is an SMS-SUBMIT-REPORT, which is not supported", firstOffset),
            (PduDirection.MobileOriginated, 0b00) => throw new PduFormatException("TP-MTI 00 is an SMS-DELIVER-REPORT, which is not supported", firstOffset),
            (PduDirection.MobileOriginated, 0b10) => throw new PduFormatException("TP-MTI 10 is an SMS-COMMAND, which is not supported", firstOffset),
            _ => throw new PduFormatException("TP-MTI 11 is reserved: not an SMS type", firstOffset),
        };
    }

    private static SmsDeliver ReadDeliver(ref PduReader r, byte first, string? serviceCentre)
    {
        var originator = PduAddress.Read(ref r, "TP-OA (originator)");
        var pid = r.Byte("TP-PID");
        var (coding, messageClass) = ReadCoding(ref r);
        var timestamp = ServiceCentreTimestamp.Read(ref r, "TP-SCTS");
        var ud = UserData.Read(ref r, (first & UserDataHeaderIndicator) != 0, coding);
        return new SmsDeliver(originator, timestamp, coding, messageClass, ud.Text, ud.Data, ud.Concat,
            serviceCentre, (first & StatusReportBit) != 0, pid);
    }

    private static SmsSubmit ReadSubmit(ref PduReader r, byte first)
    {
        var reference = r.Byte("TP-MR");
        var destination = PduAddress.Read(ref r, "TP-DA (destination)");
        r.Byte("TP-PID");
        var (coding, messageClass) = ReadCoding(ref r);
        TimeSpan? validity = null;
        switch (first & ValidityFormatMask)
        {
            case 0x10:
                validity = ValidityPeriod.FromRelative(r.Byte("TP-VP (relative)"));
                break;
            case 0x08: // enhanced
            case 0x18: // absolute: a point in time, not a period; skipped
                r.Take(7, "TP-VP");
                break;
        }
        var ud = UserData.Read(ref r, (first & UserDataHeaderIndicator) != 0, coding);
        return new SmsSubmit(reference, destination, coding, ud.Text, ud.Data, ud.Concat,
            (first & StatusReportBit) != 0, validity, messageClass);
    }

    private static SmsStatusReport ReadStatusReport(ref PduReader r, string? serviceCentre)
    {
        var reference = r.Byte("TP-MR");
        var recipient = PduAddress.Read(ref r, "TP-RA (recipient)");
        var timestamp = ServiceCentreTimestamp.Read(ref r, "TP-SCTS");
        var discharge = ServiceCentreTimestamp.Read(ref r, "TP-DT (discharge time)");
        var status = r.Byte("TP-ST (status)");
        // TP-PI and the optional PID/DCS/UD may follow; nothing we need is in them.
        return new SmsStatusReport(reference, recipient, timestamp, discharge, status, serviceCentre);
    }

    private static (SmsCoding, MessageClass) ReadCoding(ref PduReader r)
    {
        var offset = r.Position;
        var dcs = r.Byte("TP-DCS");
        return DataCodingScheme.TryDecode(dcs, out var coding, out var messageClass, out var problem)
            ? (coding, messageClass)
            : throw new PduFormatException(problem!, offset);
    }
}
