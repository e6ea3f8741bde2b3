using Gateway.Modem.At;
using Xunit;

namespace Gateway.Tests.Modem.At;

public class AtResponsesTests
{
    [Theory]
    [InlineData("20,99", 20, -73)]
    [InlineData("0,0", 0, -113)]
    [InlineData("31,0", 31, -51)]
    public void Signal_quality_is_read_and_converted_to_dBm(string value, int rssi, int dbm)
    {
        Assert.True(AtResponses.TryParseSignal(value, out var r));
        Assert.Equal(rssi, r);
        Assert.Equal(dbm, AtResponses.SignalDbm(r));
    }

    [Fact]
    public void An_unknown_signal_has_no_dBm_and_nonsense_is_refused()
    {
        Assert.True(AtResponses.TryParseSignal("99,99", out var r));
        Assert.Null(AtResponses.SignalDbm(r));
        Assert.False(AtResponses.TryParseSignal("45,0", out _));
        Assert.False(AtResponses.TryParseSignal("x", out _));
        Assert.False(AtResponses.TryParseSignal(null, out _));
    }

    [Theory]
    [InlineData("0,1", RegistrationStatus.Home, null, null)]                          // answer to AT+CREG? with n=0
    [InlineData("2,5,\"00C3\",\"0F10\"", RegistrationStatus.Roaming, "00C3", "0F10")]  // answer with n=2
    [InlineData("1", RegistrationStatus.Home, null, null)]                            // unsolicited, n=1
    [InlineData("1,\"00C3\",\"0F10\",7", RegistrationStatus.Home, "00C3", "0F10")]     // unsolicited, n=2, with AcT
    [InlineData("+CREG: 3", RegistrationStatus.Denied, null, null)]
    public void Both_forms_of_CREG_are_read(string value, RegistrationStatus status, string? lac, string? cell)
    {
        Assert.True(AtResponses.TryParseRegistration(value, out var reg));
        Assert.Equal(new Registration(status, lac, cell), reg);
    }

    [Fact]
    public void Registered_means_home_or_roaming()
    {
        Assert.True(new Registration(RegistrationStatus.Home).IsRegistered);
        Assert.True(new Registration(RegistrationStatus.Roaming).IsRegistered);
        Assert.False(new Registration(RegistrationStatus.Searching).IsRegistered);
        Assert.False(new Registration(RegistrationStatus.Denied).IsRegistered);
    }

    [Fact]
    public void The_operator_name_is_read_from_COPS()
    {
        Assert.Equal("Virtual GSM", AtResponses.ParseOperator("0,0,\"Virtual GSM\",7"));
        Assert.Equal("T-Mobile, CZ", AtResponses.ParseOperator("0,0,\"T-Mobile, CZ\""));
        Assert.Null(AtResponses.ParseOperator("0"));
    }

    [Fact]
    public void A_message_reference_comes_from_CMGS()
    {
        Assert.True(AtResponses.TryParseMessageReference("17", out var mr));
        Assert.Equal(17, mr);
        Assert.True(AtResponses.TryParseMessageReference("255,\"24/01/01,10:00:00+04\"", out mr));
        Assert.Equal(255, mr);
        Assert.False(AtResponses.TryParseMessageReference("300", out _));
    }

    [Fact]
    public void A_message_list_pairs_headers_with_PDU_lines_and_reports_broken_entries()
    {
        var list = AtResponses.ParseMessageList([
            "+CMGL: 1,0,,24", "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07",
            "+CMGL: 2,1,\"\",24", "not hex at all",
            "+CMGL: x,1,,24",
            "+CMGL: 7,3,,10", "0011000B91",
        ]);
        Assert.Equal(4, list.Length);
        Assert.Equal(new ListedMessage(1, 0, "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07"), list[0]);
        Assert.Equal((2, "no PDU line after the list entry"), (list[1].Index, list[1].Problem));
        Assert.Equal(-1, list[2].Index);
        Assert.NotNull(list[2].Problem);
        Assert.Equal(new ListedMessage(7, AtResponses.StoredSent, "0011000B91"), list[3]);
    }

    [Fact]
    public void A_read_message_is_its_status_and_PDU_and_an_empty_slot_is_not_a_message()
    {
        Assert.True(AtResponses.TryParseReadMessage(["+CMGR: 0,,24", "07911326040000F0"], out var stat, out var pdu));
        Assert.Equal((0, "07911326040000F0"), (stat, pdu));
        Assert.False(AtResponses.TryParseReadMessage([], out _, out _));
        Assert.False(AtResponses.TryParseReadMessage(["+CMGR: 0,,0"], out _, out _));
    }

    [Fact]
    public void Storage_indications_name_memory_and_index()
    {
        Assert.True(Unsolicited.TryParse("+CMTI: \"SM\",12", out var urc));
        Assert.Equal(new MessageStored("SM", 12), urc);
        Assert.True(Unsolicited.TryParse("+CDSI: \"SR\",3", out urc));
        Assert.Equal(new StatusReportStored("SR", 3), urc);
        Assert.False(Unsolicited.TryParse("+CMTI: \"SM\"", out _));
        Assert.False(Unsolicited.TryParse("+CMTI: garbage", out _));
    }

    [Fact]
    public void Fields_split_on_commas_outside_quotes()
    {
        Assert.Equal(["0", "0", "\"a,b\"", "7"], AtResponses.Fields("0,0,\"a,b\",7"));
        Assert.Empty(AtResponses.Fields(""));
    }
}
