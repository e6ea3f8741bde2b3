namespace Gateway.Sms;

/// <summary>What is wrong with a text that was meant to be a phone number.</summary>
public enum PhoneNumberProblem
{
    Empty,
    InvalidCharacter,
    MisplacedPlus,
    TooShort,
    TooLong,
    NoCountryCode,
    InvalidCountryCode,
}

/// <summary>A typed reason a phone number was refused, with a sentence fit for an SMTP reply or a log.</summary>
public sealed record PhoneNumberError(PhoneNumberProblem Problem, string Message)
{
    public override string ToString() => Message;
}

/// <summary>
/// A phone number in E.164 form: <c>+</c>, a country code and the subscriber number, 15 digits at
/// most. Accepts <c>+420 777 123 456</c>, <c>00420777123456</c> and, with a default country code,
/// national forms such as <c>777123456</c> or <c>0777 123 456</c> (one leading trunk 0 dropped).
/// Spaces, dashes, dots, slashes and parentheses are separators and are ignored.
/// </summary>
public readonly record struct PhoneNumber
{
    /// <summary>Shortest number accepted, in digits after the <c>+</c> (short codes are not E.164).</summary>
    public const int MinDigits = 7;

    /// <summary>E.164 allows at most 15 digits.</summary>
    public const int MaxDigits = 15;

    private PhoneNumber(string digits) => Digits = digits;

    /// <summary>The digits after the <c>+</c>, country code first.</summary>
    public string Digits { get; }

    /// <summary>The number as E.164 with the leading <c>+</c>.</summary>
    public string E164 => "+" + Digits;

    public override string ToString() => E164;

    public static PhoneNumber Parse(string text, string? defaultCountryCode = null) =>
        TryParse(text, defaultCountryCode, out var number, out var error)
            ? number
            : throw new FormatException(error!.Message);

    /// <summary>
    /// Normalises <paramref name="text"/> to E.164. Numbers written without <c>+</c> or <c>00</c>
    /// take <paramref name="defaultCountryCode"/> (digits only, e.g. <c>420</c>); without one they
    /// are refused with <see cref="PhoneNumberProblem.NoCountryCode"/>.
    /// </summary>
    public static bool TryParse(string? text, string? defaultCountryCode, out PhoneNumber number, out PhoneNumberError? error)
    {
        number = default;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
            return Fail(PhoneNumberProblem.Empty, "the number is empty", out error);

        Span<char> digits = stackalloc char[64];
        var count = 0;
        var international = false;
        var trimmed = text.AsSpan().Trim();
        for (var i = 0; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            if (c is >= '0' and <= '9')
            {
                if (count == digits.Length)
                    return Fail(PhoneNumberProblem.TooLong, $"\"{text}\" has too many digits (E.164 allows {MaxDigits})", out error);
                digits[count++] = c;
            }
            else if (c == '+')
            {
                if (count > 0 || international)
                    return Fail(PhoneNumberProblem.MisplacedPlus, $"\"{text}\" has a + that is not at the start", out error);
                international = true;
            }
            else if (c is ' ' or '-' or '.' or '/' or '(' or ')')
            {
                // separators people write; they carry no meaning
            }
            else
            {
                return Fail(PhoneNumberProblem.InvalidCharacter,
                    $"\"{text}\" contains '{c}' at position {i + 1}; a number may hold only digits, a leading + and separators", out error);
            }
        }

        var d = new string(digits[..count]);
        if (!international && d.StartsWith("00", StringComparison.Ordinal))
        {
            international = true;
            d = d[2..];
        }
        if (!international)
        {
            if (string.IsNullOrEmpty(defaultCountryCode))
                return Fail(PhoneNumberProblem.NoCountryCode,
                    $"\"{text}\" has no country code; write it as +<country><number>", out error);
            if (!IsCountryCode(defaultCountryCode))
                return Fail(PhoneNumberProblem.InvalidCountryCode,
                    $"the default country code \"{defaultCountryCode}\" is not 1 to 3 digits", out error);
            if (d.StartsWith('0')) d = d[1..]; // national trunk prefix
            d = defaultCountryCode + d;
        }

        if (d.Length > 0 && d[0] == '0')
            return Fail(PhoneNumberProblem.InvalidCountryCode, $"\"{text}\" has a country code starting with 0", out error);
        if (d.Length < MinDigits)
            return Fail(PhoneNumberProblem.TooShort, $"\"{text}\" is too short for a phone number ({d.Length} digits, at least {MinDigits})", out error);
        if (d.Length > MaxDigits)
            return Fail(PhoneNumberProblem.TooLong, $"\"{text}\" is too long for a phone number ({d.Length} digits, E.164 allows {MaxDigits})", out error);

        number = new PhoneNumber(d);
        return true;
    }

    /// <summary>1 to 3 digits not starting with 0, as ITU-T country calling codes are.</summary>
    public static bool IsCountryCode(string code) =>
        code.Length is >= 1 and <= 3 && code[0] is >= '1' and <= '9' && code.All(char.IsAsciiDigit);

    private static bool Fail(PhoneNumberProblem problem, string message, out PhoneNumberError? error)
    {
        error = new PhoneNumberError(problem, message);
        return false;
    }
}
