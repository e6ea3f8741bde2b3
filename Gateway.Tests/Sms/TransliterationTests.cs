using Gateway.Sms;
using Xunit;

namespace Gateway.Tests.Sms;

public class TransliterationTests
{
    [Fact]
    public void Every_replacement_is_itself_GSM7_and_no_GSM7_character_is_replaced()
    {
        foreach (var (from, to) in Transliteration.Table)
        {
            Assert.False(Gsm7Alphabet.CanEncode(from.ToString()), $"'{from}' is GSM-7 and must stay");
            Assert.True(Gsm7Alphabet.CanEncode(to), $"'{from}' → \"{to}\" is not GSM-7");
        }
    }

    [Theory]
    [InlineData("Příliš žluťoučký kůň úpěl ďábelské ódy", "Prilis zlutoucky kun upel dabelské ody")] // Czech (é is GSM-7)
    [InlineData("Ďateľ ĽUBOŠ, vŕba, kôň, päť", "Datel LUBOS, vrba, kon, pät")]                         // Slovak: ä is GSM-7
    [InlineData("Zażółć gęślą jaźń", "Zazolc gesla jazn")]                                        // Polish
    [InlineData("Grüße aus Köln, Øresund, Ærø, Åland", "Grüße aus Köln, Øresund, Ærø, Åland")]   // GSM-7 has all of these
    [InlineData("Árvíztűrő tükörfúrógép", "Arvizturo tükörfurogép")]                              // Hungarian: ü ö é kept, ű ő lose accents
    [InlineData("Ça va, garçon? Œuvre, être", "Ça va, garÇon? OEuvre, etre")]                     // ç → GSM-7's Ç
    [InlineData("Ștefan și Țara", "Stefan si Tara")]                                             // Romanian comma-below
    [InlineData("“Quoted” ‘single’ — dash – en … end", "\"Quoted\" 'single' - dash - en ... end")]
    [InlineData("a\u00A0b\u2009c\td", "a b c d")]                                                 // no-break, thin space, tab
    [InlineData("zero\u200Bwidth\u00ADsoft", "zerowidthsoft")]                                     // removed
    [InlineData("Привет", "??????")]                                                              // other scripts
    [InlineData("ΑΒΓΔ αβγδ", "ABΓΔ ABΓΔ")]                                                        // Greek look-alikes
    [InlineData("© 2024 ™", "(c) 2024 TM")]
    public void Text_becomes_its_closest_GSM7_form(string text, string expected)
    {
        var result = Transliteration.ToGsm7(text, out _);
        Assert.Equal(expected, result);
        Assert.True(Gsm7Alphabet.CanEncode(result));
    }

    [Fact]
    public void An_emoji_is_one_question_mark_not_one_per_surrogate()
    {
        Assert.Equal("ok ? ?", Transliteration.ToGsm7("ok 👍 👍", out var replaced));
        Assert.Equal(["👍"], replaced.ToArray());
    }

    [Fact]
    public void Text_GSM7_can_write_is_returned_as_it_is()
    {
        const string text = "Hello @ £5 {x} [y] ~ ^ | \\ € é è ù ì ò Ç Ø ø Å å Æ æ ß É Ä Ö Ñ Ü ä ö ñ ü à";
        Assert.Same(text, Transliteration.ToGsm7(text, out var replaced));
        Assert.True(replaced.IsEmpty);
    }
}
