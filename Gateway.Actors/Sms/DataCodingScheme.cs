namespace Gateway.Sms;

/// <summary>
/// TP-DCS (3GPP TS 23.038 4): which alphabet the user data uses and which message class it has.
/// <list type="table">
/// <item><term>00xx xxxx, 01xx xxxx</term><description>general (01 = delete after reading): bit 5 compressed,
/// bit 4 "class in bits 1–0", bits 3–2 alphabet (00 GSM-7, 01 8-bit, 10 UCS2, 11 reserved = GSM-7)</description></item>
/// <item><term>1000–1011</term><description>reserved: read as GSM-7</description></item>
/// <item><term>1100, 1101 / 1110</term><description>message waiting indication: GSM-7 / UCS2, no class</description></item>
/// <item><term>1111 0xcc</term><description>bit 2: GSM-7 (0) or 8-bit (1); bits 1–0 the class</description></item>
/// </list>
/// We write <c>00</c> (GSM-7), <c>04</c> (8-bit), <c>08</c> (UCS2), or with a class <c>0001 00aa cc</c>
/// (e.g. <c>10</c> = GSM-7 class 0, a "flash" SMS).
/// </summary>
public static class DataCodingScheme
{
    public static byte Encode(SmsCoding coding, MessageClass messageClass = MessageClass.None)
    {
        var alphabet = coding switch
        {
            SmsCoding.Gsm7 => 0x00,
            SmsCoding.EightBit => 0x04,
            SmsCoding.Ucs2 => 0x08,
            _ => throw new ArgumentOutOfRangeException(nameof(coding), coding, "unknown coding"),
        };
        return messageClass == MessageClass.None
            ? (byte)alphabet
            : (byte)(0x10 | alphabet | (messageClass - MessageClass.Class0));
    }

    /// <summary>Reads a DCS octet; false with a reason for compressed data, which we cannot decode.</summary>
    public static bool TryDecode(byte dcs, out SmsCoding coding, out MessageClass messageClass, out string? problem)
    {
        problem = null;
        coding = SmsCoding.Gsm7;
        messageClass = MessageClass.None;
        switch (dcs >> 4)
        {
            case <= 0x7:
                if ((dcs & 0x20) != 0)
                {
                    problem = $"TP-DCS {dcs:X2} announces compressed user data, which is not supported";
                    return false;
                }
                coding = ((dcs >> 2) & 0x3) switch { 1 => SmsCoding.EightBit, 2 => SmsCoding.Ucs2, _ => SmsCoding.Gsm7 };
                if ((dcs & 0x10) != 0) messageClass = MessageClass.Class0 + (dcs & 0x3);
                return true;
            case 0xE:
                coding = SmsCoding.Ucs2;
                return true;
            case 0xF:
                coding = (dcs & 0x04) != 0 ? SmsCoding.EightBit : SmsCoding.Gsm7;
                messageClass = MessageClass.Class0 + (dcs & 0x3);
                return true;
            default: // 1000–1011 reserved, 1100–1101 message waiting: GSM-7
                return true;
        }
    }
}
