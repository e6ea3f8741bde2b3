using Gateway.Sms;
using Xunit;

namespace Gateway.Tests.Sms;

/// <summary>
/// PDUs worked out by hand from 3GPP TS 23.040 / 23.038; the comments take them apart octet by
/// octet. GSM-7 packing is worked bit by bit where it is first used (septet i sits at bit 7i,
/// least significant bit first).
/// </summary>
public class PduVectorTests
{
    // The widely published "hellohello" SMS-SUBMIT:
    //   00              SMSC length 0: the SIM's default service centre
    //   11              first octet 0001 0001: TP-MTI 01 (submit), TP-VPF 10 (relative)
    //   00              TP-MR 0
    //   0B 91           TP-DA: 11 digits, international (TON 001, ISDN)
    //   6407281553F8    46 70 82 51 35 8F swapped: 46708251358
    //   00 00           TP-PID 0, TP-DCS 0 (GSM-7, no class)
    //   AA              TP-VP relative 170: (170 − 166) = 4 days
    //   0A              TP-UDL 10 septets
    //   E8329BFD4697D9EC37  "hellohello": h = 1101000, e = 1100101;
    //                   octet 0 = h | (e bit 0 = 1) << 7 = E8; octet 1 = e >> 1 | (l bits 1–0 = 00) << 6 = 32 …
    private const string HelloHello = "0011000B916407281553F80000AA0AE8329BFD4697D9EC37";

    [Fact]
    public void The_published_hellohello_submit_decodes_field_by_field()
    {
        var submit = Assert.IsType<SmsSubmit>(Pdu.DecodeHex(HelloHello, direction: PduDirection.MobileOriginated));
        Assert.Equal(0, submit.MessageReference);
        Assert.Equal(new SmsAddress(AddressType.International, "+46708251358"), submit.Destination);
        Assert.Equal(SmsCoding.Gsm7, submit.Coding);
        Assert.Equal("hellohello", submit.Text);
        Assert.Equal(TimeSpan.FromDays(4), submit.ValidityPeriod);
        Assert.False(submit.StatusReportRequested);
        Assert.Null(submit.Concat);
        Assert.Equal(MessageClass.None, submit.Class);
    }

    [Fact]
    public void The_hellohello_submit_is_encoded_to_the_published_octets()
    {
        var submit = new SmsSubmit(0, SmsAddress.International(PhoneNumber.Parse("+46708251358")), SmsCoding.Gsm7,
            "hellohello", [], null, false, TimeSpan.FromDays(4));
        Assert.Equal(HelloHello, Pdu.ToHex(Pdu.Encode(submit)));
        Assert.Equal(HelloHello, Pdu.ToHex(Pdu.Encode(submit, null)));
        Assert.Equal(23, Pdu.TpduLength(Pdu.Encode(submit))); // what AT+CMGS=23 announces

        var buffer = new byte[Pdu.MaxLength];
        var length = Pdu.Encode(submit, buffer);
        Assert.Equal(HelloHello, Pdu.ToHex(buffer.AsSpan(0, length)));
        Assert.Throws<ArgumentException>(() => Pdu.Encode(submit, new byte[10]));
    }

    // A SMS-DELIVER as a modem prints it after AT+CMGR:
    //   07 91 246030500200   SMSC: 7 octets, international, 42 06 03 05 20 00 → +420603052000
    //   04                   first octet: TP-MTI 00 (deliver), TP-MMS 1 (no more messages)
    //   0C 91 247077214365   TP-OA: 12 digits, international → +420777123456
    //   00 00                TP-PID 0, TP-DCS 0 (GSM-7)
    //   42 30 51 31 54 03 40 TP-SCTS: 24-03-15 13:45:30, zone 40 → "04" = 4 quarters = +01:00
    //   04                   TP-UDL 4 septets
    //   41 F4 5B 0D          "Ahoj": A = 1000001, h = 1101000, o = 1101111, j = 1101010
    //                        octet 0 = A | (h bit 0 = 0) << 7 = 41
    //                        octet 1 = h >> 1 (110100) | (o bits 1–0 = 11) << 6 = F4
    //                        octet 2 = o >> 2 (11011) | (j bits 2–0 = 010) << 5 = 5B
    //                        octet 3 = j >> 3 (1101) = 0D
    private const string AhojDeliver = "0791246030500200040C912470772143650000423051315403400441F45B0D";

    [Fact]
    public void A_deliver_with_an_international_originator_and_a_positive_zone_decodes()
    {
        var deliver = Assert.IsType<SmsDeliver>(Pdu.DecodeHex(AhojDeliver, direction: PduDirection.MobileTerminated));
        Assert.Equal("+420603052000", deliver.ServiceCentre);
        Assert.Equal(new SmsAddress(AddressType.International, "+420777123456"), deliver.Originator);
        Assert.Equal(new DateTimeOffset(2024, 3, 15, 13, 45, 30, TimeSpan.FromHours(1)), deliver.Timestamp);
        Assert.Equal(TimeSpan.FromHours(1), deliver.Timestamp.Offset);
        Assert.Equal(SmsCoding.Gsm7, deliver.Coding);
        Assert.Equal(MessageClass.None, deliver.Class);
        Assert.Equal("Ahoj", deliver.Text);
        Assert.Equal([0x41, 0x68, 0x6F, 0x6A], deliver.Data.ToArray()); // GSM-7 Data: the septets
        Assert.Null(deliver.Concat);
    }

    [Fact]
    public void A_deliver_is_encoded_to_the_octets_worked_out_by_hand()
    {
        var deliver = new SmsDeliver(new SmsAddress(AddressType.International, "+420777123456"),
            new DateTimeOffset(2024, 3, 15, 13, 45, 30, TimeSpan.FromHours(1)), SmsCoding.Gsm7, MessageClass.None,
            "Ahoj", [], null, "+420603052000");
        Assert.Equal(AhojDeliver, Pdu.ToHex(Pdu.Encode(deliver)));
    }

    // UCS2 with an astral-plane emoji and a negative time zone, no SMSC prefix:
    //   04                   SMS-DELIVER, TP-MMS
    //   0B 91 515510909 9F9  TP-OA: 11 digits 15 55 01 09 99 9F swapped → +15550109999 (F fills the odd digit)
    //   00 08                TP-PID 0, TP-DCS 08 (UCS2)
    //   32 21 13 32 95 95 0A TP-SCTS 23-12-31 23:59:59, zone 0A: low nibble A = sign bit 8 + tens 2, high nibble 0
    //                        → 20 quarters west = −05:00
    //   0C                   TP-UDL 12 octets
    //   010C 0061 0075 0020 D83D DC4B   "Čau 👋": U+1F44B is the surrogate pair D83D DC4B
    private const string UcsNegativeZone = "040B915155109099F900083221133295950A0C010C006100750020D83DDC4B";

    [Fact]
    public void A_UCS2_deliver_with_an_emoji_and_a_negative_zone_decodes()
    {
        var deliver = Assert.IsType<SmsDeliver>(Pdu.DecodeHex(UcsNegativeZone, hasServiceCentre: false));
        Assert.Null(deliver.ServiceCentre);
        Assert.Equal("+15550109999", deliver.Originator.Value);
        Assert.Equal(new DateTimeOffset(2023, 12, 31, 23, 59, 59, TimeSpan.FromHours(-5)), deliver.Timestamp);
        Assert.Equal(TimeSpan.FromHours(-5), deliver.Timestamp.Offset);
        Assert.Equal(SmsCoding.Ucs2, deliver.Coding);
        Assert.Equal("Čau 👋", deliver.Text);
    }

    [Theory]
    // zone octet → offset: units digit in the high nibble, tens digit in bits 2–0 of the low nibble, sign in bit 3
    [InlineData("00", 0)]
    [InlineData("80", 2 * 60)]       // "08" = 8 quarters
    [InlineData("29", -3 * 60)]      // "92": sign + 1 tens, 2 units = −12 quarters
    [InlineData("49", -(3 * 60 + 30))] // "94": −14 quarters (Newfoundland −03:30)
    [InlineData("32", 5 * 60 + 45)]  // "23" = 23 quarters (Nepal +05:45)
    [InlineData("65", 14 * 60)]      // "56" = 56 quarters, the largest DateTimeOffset allows
    public void Time_zones_are_read_in_quarter_hours_with_their_sign(string zoneOctet, int minutes)
    {
        var pdu = "040B915155109099F90000" + "32211332959" + "5" + zoneOctet + "00";
        var deliver = Assert.IsType<SmsDeliver>(Pdu.DecodeHex(pdu, hasServiceCentre: false));
        Assert.Equal(TimeSpan.FromMinutes(minutes), deliver.Timestamp.Offset);
        Assert.Equal("00" + pdu, Pdu.ToHex(Pdu.Encode(deliver))); // written back the same, behind an empty SMSC prefix
    }

    // An alphanumeric originator:
    //   00 04            no SMSC; SMS-DELIVER
    //   07 D0            TP-OA: 7 semi-octets (4 septets = 28 bits), TON 101 alphanumeric
    //   D4 F2 9C 0E      "Test": T = 1010100, e = 1100101, s = 1110011, t = 1110100
    //                    D4 = T | e0 << 7; F2 = e >> 1 | s1..0 << 6; 9C = s >> 2 | t2..0 << 5; 0E = t >> 3
    //   00 00            PID, DCS GSM-7
    //   42 10 20 30 40 50 00   24-01-02 03:04:05 +00:00
    //   02 C8 34         "Hi": C8 = H (1001000) | i0 << 7; 34 = i >> 1
    private const string AlphanumericDeliver = "000407D0D4F29C0E0000" + "42102030405000" + "02C834";

    [Fact]
    public void An_alphanumeric_originator_is_unpacked_from_GSM7()
    {
        var deliver = Assert.IsType<SmsDeliver>(Pdu.DecodeHex(AlphanumericDeliver));
        Assert.Equal(new SmsAddress(AddressType.Alphanumeric, "Test"), deliver.Originator);
        Assert.Equal("Hi", deliver.Text);
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero), deliver.Timestamp);
        Assert.Equal(AlphanumericDeliver, Pdu.ToHex(Pdu.Encode(deliver)));
    }

    // A published SMS-DELIVER (dreamfabric.com's PDU pages), checked here field by field:
    //   07 91 7283010010F5   SMSC +27381000015 (11 digits, F filler)
    //   04                   SMS-DELIVER
    //   0B C8 7238880900F1   TP-OA: 11 digits, type C8 = TON 100 (network specific), NPI 1000 (national) → "27838890001"
    //   00 00                PID, DCS
    //   99 30 92 51 61 95 80 99-03-29 15:16:59, zone 80 → "08" = +02:00 (years 90–99 are read as 19xx)
    //   0A E8329BFD4697D9EC37  "hellohello"
    [Fact]
    public void A_published_deliver_with_a_network_specific_originator_decodes()
    {
        var deliver = Assert.IsType<SmsDeliver>(Pdu.DecodeHex("07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37"));
        Assert.Equal("+27381000015", deliver.ServiceCentre);
        Assert.Equal(new SmsAddress(AddressType.Other, "27838890001"), deliver.Originator);
        Assert.Equal(new DateTimeOffset(1999, 3, 29, 15, 16, 59, TimeSpan.FromHours(2)), deliver.Timestamp);
        Assert.Equal("hellohello", deliver.Text);
    }

    // SMS-STATUS-REPORT (+CDS):
    //   07 91 246030500200   SMSC +420603052000
    //   06                   first octet: TP-MTI 10 (status report), TP-MMS 1, TP-SRQ 0
    //   2A                   TP-MR 42
    //   0C 91 247077214365   TP-RA +420777123456
    //   42 30 51 31 54 03 40 TP-SCTS 24-03-15 13:45:30 +01:00 (when the SMSC took the SMS)
    //   42 30 51 31 54 53 40 TP-DT   24-03-15 13:45:35 +01:00 (when it was delivered)
    //   00                   TP-ST 0: received by the phone
    private const string StatusReport = "0791246030500200062A0C91247077214365423051315403404230513154534000";

    [Fact]
    public void A_status_report_gives_its_message_reference_recipient_and_status()
    {
        var report = Assert.IsType<SmsStatusReport>(Pdu.DecodeHex(StatusReport, direction: PduDirection.MobileTerminated));
        Assert.Equal(42, report.MessageReference);
        Assert.Equal("+420777123456", report.Recipient.Value);
        Assert.Equal(new DateTimeOffset(2024, 3, 15, 13, 45, 30, TimeSpan.FromHours(1)), report.ServiceCentreTimestamp);
        Assert.Equal(new DateTimeOffset(2024, 3, 15, 13, 45, 35, TimeSpan.FromHours(1)), report.DischargeTime);
        Assert.Equal(0, report.Status);
        Assert.Equal(DeliveryOutcome.Delivered, report.Outcome);
        Assert.Equal("+420603052000", report.ServiceCentre);
        Assert.Equal(StatusReport, Pdu.ToHex(Pdu.Encode(report)));
    }

    [Theory]
    [InlineData(0x00, DeliveryOutcome.Delivered)]
    [InlineData(0x1F, DeliveryOutcome.Delivered)]
    [InlineData(0x20, DeliveryOutcome.Pending)]  // congestion, still trying
    [InlineData(0x3F, DeliveryOutcome.Pending)]
    [InlineData(0x40, DeliveryOutcome.Failed)]   // remote procedure error
    [InlineData(0x46, DeliveryOutcome.Failed)]   // validity period expired
    [InlineData(0x65, DeliveryOutcome.Failed)]   // temporary error, SC no longer trying
    public void A_status_reports_TP_ST_gives_its_outcome(int status, DeliveryOutcome outcome)
    {
        var report = Assert.IsType<SmsStatusReport>(Pdu.DecodeHex(StatusReport[..^2] + status.ToString("X2")));
        Assert.Equal(status, report.Status);
        Assert.Equal(outcome, report.Outcome);
    }

    // Concatenation header, 8-bit reference, GSM-7 text after one fill bit:
    //   44            SMS-DELIVER with TP-UDHI and TP-MMS
    //   09            TP-UDL 9 septets: 7 for the 6-octet header (48 bits + 1 fill bit = 49) + 2 for "Hi"
    //   05 00 03 CC 02 01   UDHL 5; IEI 00 (concatenation, 8-bit ref) length 3: ref CC, 2 parts, this is 1
    //   90 69         fill bit 0 at bit 0, H (1001000) at bits 1–7 → 1001 0000 = 90; i (1101001) at bits 8–14 → 69
    [Fact]
    public void A_concatenated_part_with_an_8_bit_reference_skips_one_fill_bit()
    {
        var deliver = Assert.IsType<SmsDeliver>(Pdu.DecodeHex("00440B915155109099F9000042102030405000" + "09" + "050003CC0201" + "9069"));
        Assert.Equal(new ConcatInfo(0xCC, 2, 1, false), deliver.Concat);
        Assert.Equal("Hi", deliver.Text);
    }

    //   07 bytes of header: 06 08 04 12 34 03 02 (IEI 08, 16-bit ref 1234, 3 parts, this is 2): 56 bits = 8 septets, no fill
    //   TP-UDL 0A = 8 + 2; "Hi" packed as before: C8 34
    [Fact]
    public void A_concatenated_part_with_a_16_bit_reference_needs_no_fill_bits()
    {
        var deliver = Assert.IsType<SmsDeliver>(Pdu.DecodeHex("00440B915155109099F9000042102030405000" + "0A" + "06080412340302" + "C834"));
        Assert.Equal(new ConcatInfo(0x1234, 3, 2, true), deliver.Concat);
        Assert.Equal("Hi", deliver.Text);
    }

    //   UDHL 0B: IEI 05 (application port, 16-bit) length 4: 0B84 23F0, then IEI 00 length 3: CC 02 01
    //   header 12 octets = 96 bits → 14 septets (98 bits), 2 fill bits; TP-UDL 10 (hex) = 14 + 2
    //   H at bits 2–8: octet 0 = (1001000 << 2) & FF = 20; octet 1 = H >> 6 (1) | i << 1 (1101 0010) = D3
    [Fact]
    public void Unknown_header_elements_are_skipped_and_fill_bits_follow_the_header()
    {
        var deliver = Assert.IsType<SmsDeliver>(Pdu.DecodeHex("00440B915155109099F9000042102030405000" + "10" + "0B05040B8423F0000" + "3CC0201" + "20D3"));
        Assert.Equal(new ConcatInfo(0xCC, 2, 1), deliver.Concat);
        Assert.Equal("Hi", deliver.Text);
    }

    [Fact]
    public void Unknown_header_elements_are_skipped_in_UCS2_too()
    {
        // UCS2 (DCS 08): TP-UDL counts octets: 12 of header + 4 of text = 16 (hex 10)
        var deliver = Assert.IsType<SmsDeliver>(Pdu.DecodeHex("00440B915155109099F9000842102030405000" + "10" + "0B05040B8423F0000" + "3CC0201" + "00480069"));
        Assert.Equal(new ConcatInfo(0xCC, 2, 1), deliver.Concat);
        Assert.Equal("Hi", deliver.Text);
    }

    // "€" is the escape 1B then 65 from the extension table: 1B = 0011011, 65 = 1100101
    //   octet 0 = 1B | (65 bit 0 = 1) << 7 = 9B; octet 1 = 65 >> 1 = 32; TP-UDL 2 septets
    [Fact]
    public void An_extension_character_is_an_escape_and_its_code()
    {
        var deliver = Assert.IsType<SmsDeliver>(Pdu.DecodeHex("00040B915155109099F9000042102030405000" + "02" + "9B32"));
        Assert.Equal("€", deliver.Text);
        Assert.Equal([0x1B, 0x65], deliver.Data.ToArray());
    }

    [Theory]
    // DCS → (coding, class), 23.038 section 4
    [InlineData(0x00, SmsCoding.Gsm7, MessageClass.None)]
    [InlineData(0x10, SmsCoding.Gsm7, MessageClass.Class0)]   // flash SMS
    [InlineData(0x11, SmsCoding.Gsm7, MessageClass.Class1)]
    [InlineData(0x04, SmsCoding.EightBit, MessageClass.None)]
    [InlineData(0x16, SmsCoding.EightBit, MessageClass.Class2)]
    [InlineData(0x08, SmsCoding.Ucs2, MessageClass.None)]
    [InlineData(0x19, SmsCoding.Ucs2, MessageClass.Class1)]
    [InlineData(0x48, SmsCoding.Ucs2, MessageClass.None)]     // 01xx: automatic deletion group
    [InlineData(0x0C, SmsCoding.Gsm7, MessageClass.None)]     // alphabet 11 is reserved: GSM-7
    [InlineData(0xC0, SmsCoding.Gsm7, MessageClass.None)]     // message waiting, discard
    [InlineData(0xE0, SmsCoding.Ucs2, MessageClass.None)]     // message waiting, store, UCS2
    [InlineData(0xF0, SmsCoding.Gsm7, MessageClass.Class0)]
    [InlineData(0xF5, SmsCoding.EightBit, MessageClass.Class1)]
    [InlineData(0xF3, SmsCoding.Gsm7, MessageClass.Class3)]
    public void Data_coding_schemes_give_the_alphabet_and_class(int dcs, SmsCoding coding, MessageClass messageClass)
    {
        Assert.True(DataCodingScheme.TryDecode((byte)dcs, out var c, out var mc, out _));
        Assert.Equal(coding, c);
        Assert.Equal(messageClass, mc);
    }

    [Fact]
    public void Eight_bit_data_comes_back_as_bytes_and_hex_text()
    {
        //   04 … 00 04 … 03 DE AD 01   DCS 04 (8-bit), TP-UDL 3 octets
        var deliver = Assert.IsType<SmsDeliver>(Pdu.DecodeHex("00040B915155109099F9000442102030405000" + "03" + "DEAD01"));
        Assert.Equal(SmsCoding.EightBit, deliver.Coding);
        Assert.Equal([0xDE, 0xAD, 0x01], deliver.Data.ToArray());
        Assert.Equal("DEAD01", deliver.Text);
    }

    [Fact]
    public void A_submit_with_status_report_concatenation_and_a_national_number_sets_every_bit()
    {
        var submit = new SmsSubmit(7, new SmsAddress(AddressType.National, "777123456"), SmsCoding.Ucs2, "Ř", [],
            new ConcatInfo(0x42, 3, 2), StatusReportRequested: true, ValidityPeriod: TimeSpan.FromHours(12));
        //   00           SMSC: the SIM's
        //   71           0111 0001: TP-UDHI, TP-SRR, TP-VPF 10 (relative), TP-MTI 01
        //   07           TP-MR 7
        //   09 A1 77 17 32 54 F6   TP-DA: 9 digits, national (TON 010 → A1), 77 71 23 45 6F swapped
        //   00 08        PID; DCS UCS2
        //   8F           TP-VP 143: (143 + 1) × 5 min = 12 h
        //   08           TP-UDL 8 octets: 6 of header + 2 of text
        //   05 00 03 42 03 02   concatenation: ref 42, 3 parts, this is 2
        //   01 58        "Ř" U+0158
        Assert.Equal("007107" + "09A177173254F6" + "00088F08" + "050003420302" + "0158",
            Pdu.ToHex(Pdu.Encode(submit)));
    }

    [Fact]
    public void A_submit_to_an_alphanumeric_address_and_a_given_service_centre_is_written_and_read_back()
    {
        var submit = new SmsSubmit(255, SmsAddress.Alphanumeric("Test"), SmsCoding.Gsm7, "Hi", [], null, false, null, MessageClass.Class0);
        var pdu = Pdu.Encode(submit, "+420603052000");
        //   07 91 246030500200 SMSC; 01 (TP-VPF 00: no validity); FF TP-MR; 07 D0 D4F29C0E; 00; 10 (GSM-7 class 0); 02 C834
        Assert.Equal("079124603050020001FF07D0D4F29C0E001002C834", Pdu.ToHex(pdu));
        Assert.Equal(13, Pdu.TpduLength(pdu)); // 01 FF 07 D0 D4 F2 9C 0E 00 10 02 C8 34
        var back = Assert.IsType<SmsSubmit>(Pdu.Decode(pdu));
        Assert.Equal(submit.Destination, back.Destination);
        Assert.Equal(MessageClass.Class0, back.Class);
        Assert.Null(back.ValidityPeriod);
    }

    [Theory]
    [InlineData(0, 5)]            // (0 + 1) × 5 min
    [InlineData(143, 12 * 60)]    // (143 + 1) × 5 min
    [InlineData(144, 12 * 60 + 30)]
    [InlineData(167, 24 * 60)]    // 12 h + 24 × 30 min
    [InlineData(168, 2 * 24 * 60)] // (168 − 166) days
    [InlineData(196, 30 * 24 * 60)]
    [InlineData(197, 5 * 7 * 24 * 60)] // (197 − 192) weeks
    [InlineData(255, 63 * 7 * 24 * 60)]
    public void Relative_validity_periods_follow_the_four_ranges(int octet, int minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes), ValidityPeriod.FromRelative((byte)octet));
        Assert.Equal(octet, ValidityPeriod.ToRelative(TimeSpan.FromMinutes(minutes)));
    }

    [Theory]
    [InlineData(1, 0)]          // shorter than 5 minutes: the shortest
    [InlineData(6, 1)]          // rounds up to 10 minutes
    [InlineData(25 * 60, 168)]  // 25 hours: 2 days
    [InlineData(31 * 24 * 60, 197)] // 31 days: 5 weeks
    [InlineData(100 * 7 * 24 * 60, 255)] // longer than 63 weeks: the longest
    public void A_validity_period_between_steps_rounds_up_so_the_network_tries_no_less_than_asked(int minutes, int octet) =>
        Assert.Equal(octet, ValidityPeriod.ToRelative(TimeSpan.FromMinutes(minutes)));
}
