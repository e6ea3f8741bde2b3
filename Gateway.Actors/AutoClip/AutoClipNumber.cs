using System.Globalization;
using Gateway.Sms;

namespace Gateway.AutoClip;

/// <summary>
/// AutoCLIP keys numbers by their E.164 digits held in a <see cref="long"/>: E.164 has at most 15
/// digits and never a leading zero after the <c>+</c>, so the value is unique and 8 bytes instead
/// of a string per record. The bucket a number lives in is a fixed hash of those digits, the same
/// on every node and in every run.
/// </summary>
public static class AutoClipNumber
{
    /// <summary>The digits of an E.164 number (<c>+420777123456</c>, also <c>00420…</c> or with separators); false for anything else.</summary>
    public static bool TryParse(string? text, out long digits)
    {
        digits = 0;
        if (!PhoneNumber.TryParse(text, null, out var number, out _)) return false;
        return long.TryParse(number.Digits, NumberStyles.None, CultureInfo.InvariantCulture, out digits);
    }

    /// <summary>The number written back as E.164: <c>+</c> and the digits.</summary>
    public static string Format(long digits) => "+" + digits.ToString(CultureInfo.InvariantCulture);

    /// <summary>Which of <paramref name="buckets"/> holds this number (Fibonacci hashing of the digits).</summary>
    public static int Bucket(long digits, int buckets) =>
        (int)((((ulong)digits * 0x9E3779B97F4A7C15UL) >> 32) % (ulong)buckets);

    /// <summary>
    /// True when <paramref name="digits"/> written out starts with <paramref name="prefixDigits"/>
    /// (<paramref name="prefixLength"/> digits long), checked without formatting the number.
    /// </summary>
    public static bool StartsWith(long digits, long prefixDigits, int prefixLength)
    {
        var length = DigitCount(digits);
        if (length < prefixLength) return false;
        return digits / Pow10[length - prefixLength] == prefixDigits;
    }

    /// <summary>Reads a prefix filter such as <c>+420</c> or <c>420777</c>; false when it holds anything but digits (after one optional <c>+</c>).</summary>
    public static bool TryParsePrefix(string prefix, out long digits, out int length)
    {
        var text = prefix.StartsWith('+') ? prefix[1..] : prefix;
        length = text.Length;
        digits = 0;
        if (length is 0 or > 15 || !text.All(char.IsAsciiDigit)) return false;
        digits = long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return true;
    }

    private static readonly long[] Pow10 = Enumerable.Range(0, 19).Select(i => (long)Math.Pow(10, i)).ToArray();

    private static int DigitCount(long n)
    {
        var count = 1;
        while (count < 19 && n >= Pow10[count]) count++;
        return count;
    }
}
