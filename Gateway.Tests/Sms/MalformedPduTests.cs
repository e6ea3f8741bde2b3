using Gateway.Sms;
using Xunit;

namespace Gateway.Tests.Sms;

/// <summary>Garbage from a modem is a <see cref="PduFormatException"/> that names the field, never a crash.</summary>
public class MalformedPduTests
{
    private const string Deliver = "0791246030500200040C912470772143650000423051315403400441F45B0D";

    private static PduFormatException Refused(string hex, bool hasServiceCentre = true, PduDirection direction = PduDirection.Any)
    {
        var e = Assert.Throws<PduFormatException>(() => Pdu.DecodeHex(hex, hasServiceCentre, direction));
        Assert.False(Pdu.TryDecode(Convert.FromHexString(hex), hasServiceCentre, direction, out var result, out var error));
        Assert.Null(result);
        Assert.Equal(e.Message, error);
        return e;
    }

    [Theory]
    [InlineData("", "SMSC address length")]
    [InlineData("07912460", "SMSC address")]
    [InlineData("0791246030500200", "first octet")]
    [InlineData("079124603050020004", "TP-OA (originator) length")]
    [InlineData("0791246030500200040C9124707721", "TP-OA (originator)")]
    [InlineData("0791246030500200040C91247077214365", "TP-PID")]
    [InlineData("0791246030500200040C9124707721436500", "TP-DCS")]
    [InlineData("0791246030500200040C91247077214365000042305131", "TP-SCTS")]
    [InlineData("0791246030500200040C912470772143650000423051315403", "TP-SCTS")]
    [InlineData("0791246030500200040C91247077214365000042305131540340", "TP-UDL")]
    [InlineData("0791246030500200040C9124707721436500004230513154034004", "TP-UD")]
    [InlineData("0791246030500200040C912470772143650000423051315403400441F45B", "TP-UD")]
    public void A_truncated_PDU_names_the_field_it_ends_in(string hex, string field) =>
        Assert.Contains(field, Refused(hex).Message);

    [Fact]
    public void A_PDU_without_its_SMSC_prefix_read_as_if_it_had_one_is_refused()
    {
        // 04 0C 91 24 70 is taken for a 4-octet SMSC address, then 77 for the first octet: TP-MTI 11
        Assert.Contains("TP-MTI 11", Refused(Deliver[16..]).Message);
        Assert.IsType<SmsDeliver>(Pdu.DecodeHex(Deliver[16..], hasServiceCentre: false));
        // 0C as an SMSC length is more than an SMSC address can take
        Assert.Contains("is the SMSC prefix really there?", Refused("0C" + Deliver[18..]).Message);
    }

    [Theory]
    [InlineData("0791246030500200070C91247077214365", "TP-MTI 11 is reserved")]
    [InlineData("00051122", "TP-MTI 01 is an SMS-SUBMIT-REPORT")]
    public void Types_that_are_not_SMS_are_refused_by_name(string hex, string problem) =>
        Assert.Contains(problem, Refused(hex, direction: PduDirection.MobileTerminated).Message);

    [Fact]
    public void A_deliver_read_as_mobile_originated_is_refused()
    {
        Assert.Contains("SMS-DELIVER-REPORT", Refused(Deliver, direction: PduDirection.MobileOriginated).Message);
        Assert.Contains("SMS-COMMAND", Refused("0002", direction: PduDirection.MobileOriginated).Message);
    }

    [Fact]
    public void An_address_longer_than_twenty_digits_is_refused() =>
        Assert.Contains("TP-OA (originator) length 21", Refused("0004159124707721436524707721436524707721436500").Message);

    [Theory]
    [InlineData("42133151540340", "not a valid date")]   // month 13
    [InlineData("42023051540340", "not a valid date")]   // 30 February
    [InlineData("42305125540340", "not a valid date")]   // hour 52
    [InlineData("4A305131540340", "not two decimal digits")]
    [InlineData("423051315403F0", "time zone")]          // units nibble F
    [InlineData("42305131540376", "time zone")]          // 67 quarters: more than 14 hours
    public void An_impossible_time_stamp_is_refused(string scts, string problem) =>
        Assert.Contains(problem, Refused("0791246030500200040C912470772143650000" + scts + "0441F45B0D").Message);

    [Fact]
    public void A_user_data_length_beyond_one_SMS_is_refused()
    {
        Assert.Contains("TP-UDL 161", Refused("00040B915155109099F90000421020304050" + "00" + "A1" + new string('0', 300)).Message);
        Assert.Contains("TP-UDL 141", Refused("00040B915155109099F90008421020304050" + "00" + "8D" + new string('0', 300)).Message);
    }

    [Theory]
    [InlineData("05" + "0A0003CC0201" + "9069", "user data header length 10")]   // UDHL beyond the user data
    [InlineData("09" + "050004CC0201" + "9069", "element 00 says 4 octets")]     // element beyond the header
    [InlineData("00", "TP-UDL is 0")]                                          // UDHI set, no user data
    [InlineData("01" + "03" + "00", "user data header length 3")]
    public void A_broken_user_data_header_is_refused(string userData, string problem) =>
        Assert.Contains(problem, Refused("00440B915155109099F9000042102030405000" + userData).Message);

    [Fact]
    public void A_concatenation_element_with_impossible_numbers_is_ignored_as_23040_says()
    {
        // part 3 of 2, then part 0 of 2: both ignored, the text still comes through
        var three = Assert.IsType<SmsDeliver>(Pdu.DecodeHex("00440B915155109099F9000042102030405000" + "09" + "050003CC0203" + "9069"));
        Assert.Null(three.Concat);
        var zero = Assert.IsType<SmsDeliver>(Pdu.DecodeHex("00440B915155109099F9000042102030405000" + "09" + "050003CC0200" + "9069"));
        Assert.Null(zero.Concat);
        Assert.Equal("Hi", zero.Text);
    }

    [Fact]
    public void Odd_UCS2_user_data_is_refused() =>
        Assert.Contains("odd number of octets", Refused("00040B915155109099F9000842102030405000" + "03" + "004800").Message);

    [Fact]
    public void Compressed_user_data_is_refused_by_name() =>
        Assert.Contains("compressed", Refused("00040B915155109099F9002042102030405000" + "02" + "C834").Message);

    [Theory]
    [InlineData("0G", "'G' at character 2")]
    [InlineData("123", "odd number of digits")]
    [InlineData("00 4", "odd number of digits (3)")]
    [InlineData("00-04", "'-' at character 3")]
    public void Text_that_is_not_hex_is_refused(string hex, string problem) =>
        Assert.Contains(problem, Assert.Throws<PduFormatException>(() => Pdu.DecodeHex(hex)).Message);

    [Fact]
    public void White_space_in_pasted_hex_is_ignored() =>
        Assert.Equal("Ahoj", Assert.IsType<SmsDeliver>(Pdu.DecodeHex("07 91 24603050 0200\n040C912470772143650000423051315403400441F45B0D ")).Text);

    [Fact]
    public void The_offset_of_the_problem_is_given()
    {
        var e = Refused("0791246030500200040C912470772143650000421331515403400441F45B0D");
        Assert.Equal(19, e.Offset); // the SCTS starts after 8 SMSC + 1 + 8 OA + 2 octets
        Assert.Contains("(at octet 19)", e.Message);
    }

    [Fact]
    public void Octets_after_the_last_field_are_ignored_as_modem_padding() =>
        Assert.Equal("Ahoj", Assert.IsType<SmsDeliver>(Pdu.DecodeHex(Deliver + "FFFF")).Text);
}
