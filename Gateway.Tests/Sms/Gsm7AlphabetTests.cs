using Gateway.Sms;
using Xunit;

namespace Gateway.Tests.Sms;

public class Gsm7AlphabetTests
{
    [Fact]
    public void Every_septet_but_the_escape_stands_for_its_own_character_and_back()
    {
        var seen = new HashSet<char>();
        var septets = new byte[2];
        for (var code = 0; code < 128; code++)
        {
            if (code == Gsm7Alphabet.Escape) continue;
            var c = Gsm7Alphabet.DefaultChar(code);
            Assert.True(seen.Add(c), $"septet {code:X2} repeats '{c}'");
            Assert.Equal(1, Gsm7Alphabet.ToSeptets(c.ToString(), septets));
            Assert.Equal(code, septets[0]);
        }
    }

    [Theory]
    // 23.038 6.2.1: a few landmarks of the default table
    [InlineData(0x00, '@')]
    [InlineData(0x01, '£')]
    [InlineData(0x02, '$')]
    [InlineData(0x09, 'Ç')]
    [InlineData(0x0A, '\n')]
    [InlineData(0x0D, '\r')]
    [InlineData(0x10, 'Δ')]
    [InlineData(0x11, '_')]
    [InlineData(0x1F, 'É')]
    [InlineData(0x24, '¤')]
    [InlineData(0x40, '¡')]
    [InlineData(0x5F, '§')]
    [InlineData(0x60, '¿')]
    [InlineData(0x7F, 'à')]
    public void The_default_table_matches_23038(int code, char c) => Assert.Equal(c, Gsm7Alphabet.DefaultChar(code));

    [Theory]
    // 23.038 6.2.1.1: the extension table after escape 1B
    [InlineData('\f', 0x0A)]
    [InlineData('^', 0x14)]
    [InlineData('{', 0x28)]
    [InlineData('}', 0x29)]
    [InlineData('\\', 0x2F)]
    [InlineData('[', 0x3C)]
    [InlineData('~', 0x3D)]
    [InlineData(']', 0x3E)]
    [InlineData('|', 0x40)]
    [InlineData('€', 0x65)]
    public void Extension_characters_cost_two_septets_an_escape_and_their_code(char c, int code)
    {
        Assert.Equal(2, Gsm7Alphabet.SeptetCount(c));
        Span<byte> septets = stackalloc byte[2];
        Assert.Equal(2, Gsm7Alphabet.ToSeptets(c.ToString(), septets));
        Assert.Equal([Gsm7Alphabet.Escape, (byte)code], septets.ToArray());
        Assert.Equal(c.ToString(), Gsm7Alphabet.FromSeptets(septets));
    }

    [Fact]
    public void Septets_are_counted_with_extension_characters_as_two() =>
        Assert.Equal(3 + 2 * 9, Gsm7Alphabet.CountSeptets("abc€[]{}~^|\\"));

    [Theory]
    [InlineData("ř")]
    [InlineData("`")]
    [InlineData("😀")]
    [InlineData("\t")]
    [InlineData("ç")] // GSM-7's c-cedilla is the capital Ç only
    public void Characters_outside_GSM7_are_recognised(string text)
    {
        Assert.False(Gsm7Alphabet.CanEncode(text));
        Assert.Equal(-1, Gsm7Alphabet.CountSeptets(text));
        Assert.Throws<ArgumentException>(() => Gsm7Alphabet.ToSeptets(text, new byte[8]));
    }

    [Fact]
    public void An_escape_before_a_code_the_extension_table_lacks_reads_as_the_default_character()
    {
        // 23.038 6.2.1.1: show the default-table character for an unknown escape sequence
        Assert.Equal("A", Gsm7Alphabet.FromSeptets([0x1B, 0x41]));
        Assert.Equal("a ", Gsm7Alphabet.FromSeptets([0x61, 0x1B]));  // lone trailing escape: a space
        Assert.Equal(" b", Gsm7Alphabet.FromSeptets([0x1B, 0x1B, 0x62])); // escape to the (absent) second table: a space
    }

    [Fact]
    public void Eight_septets_pack_into_seven_octets()
    {
        // "12345678": 31 32 33 34 35 36 37 38 → 56 bits; the widely published packing is 31 D9 8C 56 B3 DD 70
        Span<byte> octets = stackalloc byte[7];
        Assert.Equal(7, SeptetPacking.Pack("12345678"u8, octets));
        Assert.Equal("31D98C56B3DD70", Convert.ToHexString(octets));
        Span<byte> back = stackalloc byte[8];
        SeptetPacking.Unpack(octets, 0, back);
        Assert.Equal("12345678"u8.ToArray(), back.ToArray());
    }

    [Theory]
    [InlineData(6, 1, 7)]  // 8-bit concatenation header: 48 bits, 1 fill bit, 7 septets
    [InlineData(7, 0, 8)]  // 16-bit concatenation header: 56 bits, no fill, 8 septets
    [InlineData(12, 2, 14)]
    [InlineData(1, 6, 2)]  // an empty header (UDHL 0)
    public void Fill_bits_align_the_text_after_a_header_to_a_septet_boundary(int headerOctets, int fill, int septets)
    {
        Assert.Equal(fill, SeptetPacking.FillBits(headerOctets));
        Assert.Equal(septets, SeptetPacking.HeaderSeptets(headerOctets));
        Assert.Equal(septets * 7, headerOctets * 8 + fill);
    }
}
