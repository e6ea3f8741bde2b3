namespace Gateway.Sms;

/// <summary>
/// Digits written two per octet, the first digit in the low nibble ("swapped semi-octets",
/// 3GPP TS 23.040 9.1.2.3): <c>"4207"</c> is <c>24 70</c>; an odd count ends with the filler F
/// (<c>"420"</c> is <c>24 F0</c>). Nibbles A–E stand for <c>* # a b c</c> (23.040 9.1.2.5).
/// </summary>
public static class SemiOctets
{
    private const string NibbleChars = "0123456789*#abc";

    /// <summary>True for the characters a semi-octet can carry: digits and <c>* # a b c</c>.</summary>
    public static bool IsSemiOctetChar(char c) => NibbleOf(c) >= 0;

    /// <summary>Writes <paramref name="digits"/> as swapped semi-octets; returns the octets written.</summary>
    public static int Write(ReadOnlySpan<char> digits, Span<byte> octets)
    {
        var length = (digits.Length + 1) / 2;
        if (length > octets.Length) throw new ArgumentException($"{digits.Length} digits need {length} octets, {octets.Length} given", nameof(octets));
        for (var i = 0; i < digits.Length; i += 2)
        {
            var low = NibbleOf(digits[i]);
            var high = i + 1 < digits.Length ? NibbleOf(digits[i + 1]) : 0xF;
            if (low < 0 || high < 0)
                throw new ArgumentException($"\"{digits}\" holds a character that is not a digit, *, #, a, b or c", nameof(digits));
            octets[i / 2] = (byte)(high << 4 | low);
        }
        return length;
    }

    /// <summary>
    /// Reads up to <paramref name="count"/> digits; a filler nibble (F) ends the number early, as
    /// some networks pad with it.
    /// </summary>
    public static string Read(ReadOnlySpan<byte> octets, int count)
    {
        Span<char> chars = stackalloc char[count];
        var n = 0;
        for (var i = 0; i < count; i++)
        {
            var b = octets[i / 2];
            var nibble = i % 2 == 0 ? b & 0x0F : b >> 4;
            if (nibble == 0xF) break;
            chars[n++] = NibbleChars[nibble];
        }
        return new string(chars[..n]);
    }

    /// <summary>Reads two decimal digits from one swapped octet (time stamps); -1 if a nibble is not 0–9.</summary>
    public static int ReadDecimal(byte octet)
    {
        int tens = octet & 0x0F, units = octet >> 4;
        return tens > 9 || units > 9 ? -1 : tens * 10 + units;
    }

    /// <summary>Writes 0–99 as one swapped octet.</summary>
    public static byte WriteDecimal(int value) => (byte)(value % 10 << 4 | value / 10);

    private static int NibbleOf(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        '*' => 0xA,
        '#' => 0xB,
        'a' => 0xC,
        'b' => 0xD,
        'c' => 0xE,
        _ => -1,
    };
}
