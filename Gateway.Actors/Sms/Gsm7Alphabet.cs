namespace Gateway.Sms;

/// <summary>
/// The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 6.2.1 and 6.2.1.1).
/// A character of the extension table (<c>€ [ ] { } ~ ^ | \</c> and form feed) is sent as the
/// escape septet 0x1B followed by its code, so it costs two septets.
/// </summary>
public static class Gsm7Alphabet
{
    /// <summary>The escape septet that announces a character of the extension table.</summary>
    public const byte Escape = 0x1B;

    /// <summary>Septets in one SMS without a user data header.</summary>
    public const int SinglePartSeptets = 160;

    /// <summary>Septets in one part of a concatenated SMS (a 6-octet header with an 8-bit reference takes 7 septets).</summary>
    public const int ConcatenatedPartSeptets = 153;

    /// <summary>The default table, indexed by septet. 0x1B (escape) shows as a space if it ever stands alone.</summary>
    private const string DefaultTable =
        "@£$¥èéùìòÇ\nØø\rÅå" +
        "Δ_ΦΓΛΩΠΨΣΘΞ ÆæßÉ" +
        " !\"#¤%&'()*+,-./" +
        "0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNO" +
        "PQRSTUVWXYZÄÖÑÜ§" +
        "¿abcdefghijklmno" +
        "pqrstuvwxyzäöñüà";

    /// <summary>The extension table: (code after the escape, character).</summary>
    private static readonly (byte Code, char Char)[] ExtensionTable =
    [
        (0x0A, '\f'), (0x14, '^'), (0x28, '{'), (0x29, '}'), (0x2F, '\\'),
        (0x3C, '['), (0x3D, '~'), (0x3E, ']'), (0x40, '|'), (0x65, '€'),
    ];

    private const char Euro = '€';

    /// <summary>Highest character (Ω, U+03A9) of either table besides €; the reverse lookup covers 0..this.</summary>
    private const int LookupSize = 0x3AA;

    /// <summary>Marks a character GSM-7 cannot write in <see cref="CharToCode"/>.</summary>
    private const ushort NotInAlphabet = 0xFFFF;

    /// <summary>Bit set in <see cref="CharToCode"/> for characters of the extension table.</summary>
    private const ushort ExtensionFlag = 0x100;

    /// <summary>Character → septet (or <see cref="ExtensionFlag"/> | extension code), for chars below <see cref="LookupSize"/>.</summary>
    private static readonly ushort[] CharToCode = BuildReverseLookup();

    /// <summary>Extension code → character, '\0' where the extension table has nothing.</summary>
    private static readonly char[] ExtensionToChar = BuildExtensionLookup();

    private static ushort[] BuildReverseLookup()
    {
        var table = new ushort[LookupSize];
        Array.Fill(table, NotInAlphabet);
        for (var code = 0; code < 128; code++)
            if (code != Escape)
                table[DefaultTable[code]] = (ushort)code;
        foreach (var (code, c) in ExtensionTable)
            if (c != Euro)
                table[c] = (ushort)(ExtensionFlag | code);
        return table;
    }

    private static char[] BuildExtensionLookup()
    {
        var table = new char[128];
        foreach (var (code, c) in ExtensionTable) table[code] = c;
        return table;
    }

    /// <summary>The character a default-table septet stands for.</summary>
    public static char DefaultChar(int septet) => DefaultTable[septet & 0x7F];

    /// <summary>
    /// The septets that write <paramref name="c"/>: 1 for the default table, 2 for the extension
    /// table, 0 if GSM-7 cannot write it.
    /// </summary>
    public static int SeptetCount(char c)
    {
        var code = Lookup(c);
        return code == NotInAlphabet ? 0 : (code & ExtensionFlag) != 0 ? 2 : 1;
    }

    /// <summary>True when every character of <paramref name="text"/> is in the default or extension table.</summary>
    public static bool CanEncode(ReadOnlySpan<char> text) => CountSeptets(text) >= 0;

    /// <summary>Septets needed for <paramref name="text"/>, or -1 if a character is not in GSM-7.</summary>
    public static int CountSeptets(ReadOnlySpan<char> text)
    {
        var total = 0;
        foreach (var c in text)
        {
            var n = SeptetCount(c);
            if (n == 0) return -1;
            total += n;
        }
        return total;
    }

    /// <summary>
    /// Writes the septets (one per byte, escape sequences included) of <paramref name="text"/> into
    /// <paramref name="septets"/> and returns how many. Throws <see cref="ArgumentException"/> if a
    /// character is not in GSM-7 or the destination is too small.
    /// </summary>
    public static int ToSeptets(ReadOnlySpan<char> text, Span<byte> septets)
    {
        var n = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var code = Lookup(text[i]);
            if (code == NotInAlphabet)
                throw new ArgumentException($"'{text[i]}' (U+{(int)text[i]:X4}) at position {i + 1} is not in the GSM 7-bit alphabet", nameof(text));
            if ((code & ExtensionFlag) != 0)
            {
                if (n + 2 > septets.Length) throw TooLong(septets.Length);
                septets[n++] = Escape;
                septets[n++] = (byte)code;
            }
            else
            {
                if (n + 1 > septets.Length) throw TooLong(septets.Length);
                septets[n++] = (byte)code;
            }
        }
        return n;
    }

    /// <summary>
    /// Turns septets back into text. An escape before a code the extension table lacks gives the
    /// default-table character of that code (23.038 6.2.1.1); a lone trailing escape, or an escape
    /// before another escape, gives a space.
    /// </summary>
    public static string FromSeptets(ReadOnlySpan<byte> septets)
    {
        Span<char> chars = septets.Length <= 256 ? stackalloc char[septets.Length] : new char[septets.Length];
        var n = 0;
        for (var i = 0; i < septets.Length; i++)
        {
            var s = septets[i] & 0x7F;
            if (s != Escape)
            {
                chars[n++] = DefaultTable[s];
                continue;
            }
            if (i + 1 == septets.Length)
            {
                chars[n++] = ' ';
                break;
            }
            var next = septets[++i] & 0x7F;
            var ext = ExtensionToChar[next];
            chars[n++] = ext != '\0' ? ext : next == Escape ? ' ' : DefaultTable[next];
        }
        return new string(chars[..n]);
    }

    private static ushort Lookup(char c) =>
        c < LookupSize ? CharToCode[c] : c == Euro ? (ushort)(ExtensionFlag | 0x65) : NotInAlphabet;

    private static ArgumentException TooLong(int room) =>
        new($"the text needs more than {room} septets", "text");
}
