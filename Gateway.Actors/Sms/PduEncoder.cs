namespace Gateway.Sms;

/// <summary>
/// Writes SMS-SUBMIT, SMS-DELIVER and SMS-STATUS-REPORT TPDUs behind an SMSC prefix
/// (3GPP TS 23.040 9.2.2). A record that cannot be encoded (text outside its coding, too long,
/// a bad address) is the caller's mistake: <see cref="ArgumentException"/>.
/// </summary>
internal static class PduEncoder
{
    /// <summary>
    /// Room for the longest PDU: SMSC 12 + first octet 1 + MR 1 + address 12 + PID 1 + DCS 1 +
    /// VP or SCTS 7 + UDL 1 + UD 140 = 176 octets.
    /// </summary>
    public const int MaxLength = 176;

    public static int WriteSubmit(SmsSubmit s, string? serviceCentre, Span<byte> buffer)
    {
        if (s.MessageReference is < 0 or > 255)
            throw new ArgumentException($"TP-MR {s.MessageReference} is outside 0–255", nameof(s));
        var w = new PduWriter(buffer);
        PduAddress.WriteServiceCentre(ref w, serviceCentre);
        // TP-MTI 01 (submit), TP-RD 0, TP-VPF 10 (relative) or 00, TP-SRR, TP-UDHI, TP-RP 0
        w.Byte(0x01 | (s.ValidityPeriod is null ? 0 : 0x10) | (s.StatusReportRequested ? 0x20 : 0) | (s.Concat is null ? 0 : 0x40));
        w.Byte(s.MessageReference);
        PduAddress.Write(ref w, s.Destination);
        w.Byte(0x00); // TP-PID: plain short message
        w.Byte(DataCodingScheme.Encode(s.Coding, s.Class));
        if (s.ValidityPeriod is { } vp) w.Byte(ValidityPeriod.ToRelative(vp));
        UserData.Write(ref w, s.Coding, s.Text, s.Data, s.Concat);
        return w.Position;
    }

    public static int WriteDeliver(SmsDeliver d, string? serviceCentre, Span<byte> buffer)
    {
        if (d.ProtocolIdentifier is < 0 or > 255)
            throw new ArgumentException($"TP-PID {d.ProtocolIdentifier} is outside 0–255", nameof(d));
        var w = new PduWriter(buffer);
        PduAddress.WriteServiceCentre(ref w, serviceCentre ?? d.ServiceCentre);
        // TP-MTI 00 (deliver), TP-MMS 1 (no more messages waiting), TP-SRI, TP-UDHI
        w.Byte(0x04 | (d.StatusReportIndication ? 0x20 : 0) | (d.Concat is null ? 0 : 0x40));
        PduAddress.Write(ref w, d.Originator);
        w.Byte(d.ProtocolIdentifier);
        w.Byte(DataCodingScheme.Encode(d.Coding, d.Class));
        ServiceCentreTimestamp.Write(ref w, d.Timestamp);
        UserData.Write(ref w, d.Coding, d.Text, d.Data, d.Concat);
        return w.Position;
    }

    public static int WriteStatusReport(SmsStatusReport s, string? serviceCentre, Span<byte> buffer)
    {
        if (s.MessageReference is < 0 or > 255)
            throw new ArgumentException($"TP-MR {s.MessageReference} is outside 0–255", nameof(s));
        if (s.Status is < 0 or > 255)
            throw new ArgumentException($"TP-ST {s.Status} is outside 0–255", nameof(s));
        var w = new PduWriter(buffer);
        PduAddress.WriteServiceCentre(ref w, serviceCentre ?? s.ServiceCentre);
        w.Byte(0x06); // TP-MTI 10 (status report), TP-MMS 1, TP-SRQ 0 (reports on an SMS-SUBMIT), no UDHI
        w.Byte(s.MessageReference);
        PduAddress.Write(ref w, s.Recipient);
        ServiceCentreTimestamp.Write(ref w, s.ServiceCentreTimestamp);
        ServiceCentreTimestamp.Write(ref w, s.DischargeTime);
        w.Byte(s.Status);
        return w.Position;
    }
}
