using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text;

namespace Gateway.Sms;

/// <summary>
/// Turns text GSM-7 cannot write into the closest text it can, for when UCS2 is not allowed
/// (<c>gateway.sms.allow-unicode = off</c>). Characters GSM-7 has are kept as they are
/// (é è ù ì ò Ç Ø ø Å å Æ æ ß É Ä Ö Ñ Ü ä ö ñ ü à, Greek Δ Φ Γ Λ Ω Π Ψ Σ Θ Ξ, € and the rest).
/// The replacements:
/// <list type="table">
/// <item><term>‘ ’ ‚ ‛ ′ ‹ › ` ´</term><description><c>'</c></description></item>
/// <item><term>“ ” „ ‟ ″ « » ¨</term><description><c>"</c></description></item>
/// <item><term>‐ ‑ ‒ – — ― − ¬</term><description><c>-</c></description></item>
/// <item><term>…</term><description><c>...</c></description></item>
/// <item><term>• · ¦ ⁄ × ÷ © ® ™ ¹ ² ³ ¼ ½ ¾</term><description><c>* . | / x / (c) (R) TM 1 2 3 1/4 1/2 3/4</c></description></item>
/// <item><term>no-break, narrow, thin, em/en, ideographic spaces; tab</term><description>space</description></item>
/// <item><term>zero-width space/joiners, word joiner, byte-order mark, soft hyphen</term><description>removed</description></item>
/// <item><term>Latin letters with accents GSM-7 lacks (Latin-1 and Latin Extended-A: Czech, Slovak,
/// Polish, Hungarian, Romanian, Turkish, Baltic, French, Spanish, Portuguese…)</term>
/// <description>the base letter: á→a, č→c, ď→d, ě→e, ň→n, ř→r, š→s, ť→t, ů→u, ý→y, ž→z, ą→a,
/// ł→l, ő→o, ș→s, ğ→g, ı→i, ê→e, ô→o, ã→a…; ç→Ç (GSM-7's only c-cedilla); ligatures and
/// letters without a base: æ/Æ kept, œ→oe, Œ→OE, ĳ→ij, Ĳ→IJ, ð→d, Ð→D, þ→th, Þ→TH, ŉ→'n</description></item>
/// <item><term>Greek letters GSM-7 lacks</term><description>their Latin look-alike or GSM-7 capital: Α→A, Β→B, Ε→E,
/// Ζ→Z, Η→H, Ι→I, Κ→K, Μ→M, Ν→N, Ο→O, Ρ→P, Τ→T, Υ→Y, Χ→X; small letters as their capitals (α→A, δ→Δ, ω→Ω, ς→Σ)</description></item>
/// <item><term>anything else (other scripts, emoji, symbols)</term><description><c>?</c>, one per character (an emoji's surrogate pair gives one)</description></item>
/// </list>
/// </summary>
public static class Transliteration
{
    /// <summary>What replaces anything the table does not name.</summary>
    public const string Unknown = "?";

    // Pairs of (characters, replacement); a replacement of "" removes the characters.
    private static readonly (string From, string To)[] Pairs =
    [
        ("‘’‚‛′‹›`´", "'"),
        ("“”„‟″«»¨", "\""),
        ("‐‑‒–—―−¬", "-"),
        ("…", "..."),
        ("•", "*"), ("·", "."), ("¦", "|"), ("⁄", "/"), ("×", "x"), ("÷", "/"),
        ("©", "(c)"), ("®", "(R)"), ("™", "TM"), ("¹", "1"), ("²", "2"), ("³", "3"),
        ("¼", "1/4"), ("½", "1/2"), ("¾", "3/4"),
        ("\u00A0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u202F\u205F\u3000\t", " "),
        ("\u200B\u200C\u200D\u2060\uFEFF\u00AD", ""),
        // Latin letters GSM-7 lacks (Latin-1 Supplement, Latin Extended-A, Romanian comma-below)
        ("ÀÁÂÃĀĂĄ", "A"), ("áâãāăą", "a"),
        ("ĆĈĊČ", "C"), ("ç", "Ç"), ("ćĉċč", "c"),
        ("ĎĐÐ", "D"), ("ďđð", "d"),
        ("ÈÊËĒĔĖĘĚ", "E"), ("êëēĕėęě", "e"),
        ("ĜĞĠĢ", "G"), ("ĝğġģ", "g"),
        ("ĤĦ", "H"), ("ĥħ", "h"),
        ("ÌÍÎÏĨĪĬĮİ", "I"), ("íîïĩīĭįı", "i"),
        ("Ĳ", "IJ"), ("ĳ", "ij"),
        ("Ĵ", "J"), ("ĵ", "j"),
        ("Ķ", "K"), ("ķĸ", "k"),
        ("ĹĻĽĿŁ", "L"), ("ĺļľŀł", "l"),
        ("ŃŅŇŊ", "N"), ("ńņňŋ", "n"), ("ŉ", "'n"),
        ("ÒÓÔÕŌŎŐ", "O"), ("óôõōŏő", "o"),
        ("Œ", "OE"), ("œ", "oe"),
        ("ŔŖŘ", "R"), ("ŕŗř", "r"),
        ("ŚŜŞŠȘ", "S"), ("śŝşšșſ", "s"),
        ("ŢŤŦȚ", "T"), ("ţťŧț", "t"),
        ("Þ", "TH"), ("þ", "th"),
        ("ÙÚÛŨŪŬŮŰŲ", "U"), ("úûũūŭůűų", "u"),
        ("Ŵ", "W"), ("ŵ", "w"),
        ("ÝŶŸ", "Y"), ("ýÿŷ", "y"),
        ("ŹŻŽ", "Z"), ("źżž", "z"),
        // Greek: Latin look-alikes, and small letters as GSM-7's capitals
        ("Αα", "A"), ("Ββ", "B"), ("Εε", "E"), ("Ζζ", "Z"), ("Ηη", "H"), ("Ιι", "I"), ("Κκ", "K"),
        ("Μμ", "M"), ("Νν", "N"), ("Οο", "O"), ("Ρρ", "P"), ("Ττ", "T"), ("Υυ", "Y"), ("Χχ", "X"),
        ("γ", "Γ"), ("δ", "Δ"), ("θ", "Θ"), ("λ", "Λ"), ("ξ", "Ξ"), ("π", "Π"), ("σς", "Σ"), ("φ", "Φ"), ("ψ", "Ψ"), ("ω", "Ω"),
        ("\u0386\u03AC", "A"), ("\u0388\u03AD", "E"), ("\u0389\u03AE", "H"), ("\u038A\u03AF\u0390\u03AA\u03CA", "I"),
        ("\u038C\u03CC", "O"), ("\u038E\u03CD\u03B0\u03AB\u03CB", "Y"), ("\u038F\u03CE", "Ω"),
    ];

    /// <summary>The table: character → its GSM-7 replacement ("" = removed). Characters not in it become <see cref="Unknown"/>.</summary>
    public static FrozenDictionary<char, string> Table { get; } = BuildTable();

    private static FrozenDictionary<char, string> BuildTable()
    {
        var table = new Dictionary<char, string>();
        foreach (var (from, to) in Pairs)
            foreach (var c in from)
                table[c] = to;
        return table.ToFrozenDictionary();
    }

    /// <summary>The closest GSM-7 form of one character: itself if GSM-7 has it, its table entry, else <see cref="Unknown"/>.</summary>
    public static string Replace(char c) =>
        Gsm7Alphabet.SeptetCount(c) > 0 ? c.ToString() : Table.GetValueOrDefault(c, Unknown);

    /// <summary>
    /// Rewrites <paramref name="text"/> so that GSM-7 can write all of it. <paramref name="replaced"/>
    /// lists each character that was replaced or removed once, in order of first appearance (a
    /// surrogate pair as one string).
    /// </summary>
    public static string ToGsm7(string text, out ImmutableArray<string> replaced)
    {
        if (Gsm7Alphabet.CanEncode(text))
        {
            replaced = [];
            return text;
        }
        var result = new StringBuilder(text.Length);
        var seen = new List<string>();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (Gsm7Alphabet.SeptetCount(c) > 0)
            {
                result.Append(c);
                continue;
            }
            string original;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                original = text.Substring(i++, 2);
                result.Append(Unknown);
            }
            else
            {
                original = c.ToString();
                result.Append(Table.GetValueOrDefault(c, Unknown));
            }
            if (!seen.Contains(original)) seen.Add(original);
        }
        replaced = [.. seen];
        return result.ToString();
    }
}
