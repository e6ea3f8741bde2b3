using Gateway.Sms;
using Xunit;

namespace Gateway.Tests.Sms;

/// <summary>A record the encoder cannot write is the caller's mistake: an <see cref="ArgumentException"/> that says what.</summary>
public class PduEncodingErrorTests
{
    private static readonly SmsAddress Someone = new(AddressType.International, "+420777123456");

    private static SmsSubmit Submit(string text, SmsCoding coding = SmsCoding.Gsm7, ConcatInfo? concat = null, SmsAddress? to = null) =>
        new(0, to ?? Someone, coding, text, [], concat, false, null);

    [Theory]
    [InlineData(161, SmsCoding.Gsm7, false)]
    [InlineData(154, SmsCoding.Gsm7, true)]   // 153 septets fit after the 7 septets of the header
    [InlineData(71, SmsCoding.Ucs2, false)]
    [InlineData(68, SmsCoding.Ucs2, true)]    // 67 units after the 6-octet header
    public void A_text_longer_than_one_SMS_is_refused(int length, SmsCoding coding, bool concatenated)
    {
        var concat = concatenated ? new ConcatInfo(1, 2, 1) : null;
        var e = Assert.Throws<ArgumentException>(() => Pdu.Encode(Submit(new string('a', length), coding, concat)));
        Assert.Contains("too long for one SMS", e.Message);
        Pdu.Encode(Submit(new string('a', length - 1), coding, concat)); // one less fits
    }

    [Fact]
    public void A_character_outside_GSM7_in_a_GSM7_part_is_refused_by_position() =>
        Assert.Contains("'ř' (U+0159) at position 3", Assert.Throws<ArgumentException>(() => Pdu.Encode(Submit("abř"))).Message);

    [Theory]
    [InlineData("420777123456")]       // international without +
    [InlineData("+420 777")]           // a space
    [InlineData("+123456789012345678901")] // 21 digits
    public void A_bad_international_destination_is_refused(string value) =>
        Assert.Throws<ArgumentException>(() => Pdu.Encode(Submit("a", to: new SmsAddress(AddressType.International, value))));

    [Fact]
    public void An_alphanumeric_address_longer_than_eleven_septets_is_refused() =>
        Assert.Contains("at most 11", Assert.Throws<ArgumentException>(() =>
            Pdu.Encode(Submit("a", to: SmsAddress.Alphanumeric("TwelveLetter")))).Message);

    [Theory]
    [InlineData(1, 2, 0)]    // part 0
    [InlineData(1, 2, 3)]    // seq beyond total
    [InlineData(256, 2, 1)]  // 8-bit reference too big
    [InlineData(1, 256, 1)]  // more parts than a header can count
    public void Impossible_concatenation_numbers_are_refused(int reference, int total, int sequence)
    {
        Assert.Throws<ArgumentException>(() => Pdu.Encode(Submit("a", concat: new ConcatInfo(reference, total, sequence))));
    }

    [Fact]
    public void A_time_zone_that_is_not_whole_quarter_hours_or_a_year_two_digits_cannot_name_is_refused()
    {
        SmsDeliver At(DateTimeOffset t) => new(Someone, t, SmsCoding.Gsm7, MessageClass.None, "a", [], null);
        Assert.Contains("quarter hours", Assert.Throws<ArgumentException>(() =>
            Pdu.Encode(At(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.FromMinutes(10))))).Message);
        Assert.Contains("year 2100", Assert.Throws<ArgumentException>(() =>
            Pdu.Encode(At(new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero)))).Message);
    }

    [Fact]
    public void Out_of_range_references_and_statuses_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Pdu.Encode(Submit("a") with { MessageReference = 256 }));
        var report = new SmsStatusReport(1, Someone, DateTimeOffset.UnixEpoch.AddYears(30), DateTimeOffset.UnixEpoch.AddYears(30), 300);
        Assert.Throws<ArgumentException>(() => Pdu.Encode(report));
    }

    [Fact]
    public void Eight_bit_data_is_encoded_from_Data_and_limited_to_140_octets()
    {
        var submit = new SmsSubmit(0, Someone, SmsCoding.EightBit, "", [0xCA, 0xFE], null, false, null);
        // 00 SMSC; 01; 00 MR; 0C 91 …; 00 PID; 04 DCS 8-bit; 02 octets CA FE
        Assert.Equal("0001000C91247077214365000402CAFE", Pdu.ToHex(Pdu.Encode(submit)));
        Assert.Throws<ArgumentException>(() => Pdu.Encode(submit with { Data = [.. new byte[141]] }));
    }
}
