using System.Globalization;

namespace Gateway.Modem.At;

/// <summary>The kinds of final result code that end an AT command (V.250, 27.005 §3.2.5, 27.007 §9.2).</summary>
public enum FinalResultKind
{
    Ok,
    Error,

    /// <summary><c>+CMS ERROR: n</c>: an SMS service failure (27.005), see <see cref="CmsError"/>.</summary>
    CmsError,

    /// <summary><c>+CME ERROR: n</c>: a mobile equipment failure (27.007), see <see cref="CmeError"/>.</summary>
    CmeError,
    NoCarrier,
    Busy,
    NoAnswer,
    NoDialtone,
}

/// <summary>
/// The line that ended an AT command. <see cref="Code"/> is the numeric error for +CMS/+CME ERROR
/// (null when the modem answered in verbose text, AT+CMEE=2; the text is kept in <see cref="Line"/>).
/// </summary>
public sealed record FinalResult(FinalResultKind Kind, int? Code, string Line)
{
    public static FinalResult Ok { get; } = new(FinalResultKind.Ok, null, "OK");

    public bool IsOk => Kind == FinalResultKind.Ok;

    /// <summary>Recognises a final result code; every other line is intermediate or unsolicited.</summary>
    public static bool TryParse(string line, out FinalResult result)
    {
        var text = line.TrimEnd();
        result = text switch
        {
            "OK" => Ok,
            "ERROR" => new FinalResult(FinalResultKind.Error, null, text),
            "NO CARRIER" => new FinalResult(FinalResultKind.NoCarrier, null, text),
            "BUSY" => new FinalResult(FinalResultKind.Busy, null, text),
            "NO ANSWER" => new FinalResult(FinalResultKind.NoAnswer, null, text),
            "NO DIALTONE" or "NO DIAL TONE" => new FinalResult(FinalResultKind.NoDialtone, null, text),
            _ when text.StartsWith("+CMS ERROR:", StringComparison.Ordinal) =>
                new FinalResult(FinalResultKind.CmsError, NumberAfterColon(text), text),
            _ when text.StartsWith("+CME ERROR:", StringComparison.Ordinal) =>
                new FinalResult(FinalResultKind.CmeError, NumberAfterColon(text), text),
            _ => null!,
        };
        return result is not null;
    }

    private static int? NumberAfterColon(string text)
    {
        var value = text[(text.IndexOf(':') + 1)..].Trim();
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    /// <summary>A sentence for logs and failure reasons, e.g. <c>+CMS ERROR: 331 (no network service)</c>.</summary>
    public string Describe() => Kind switch
    {
        FinalResultKind.CmsError when Code is { } c => $"{Line} ({CmsError.Lookup(c).Meaning})",
        FinalResultKind.CmeError when Code is { } c => $"{Line} ({CmeError.Lookup(c).Meaning})",
        _ => Line,
    };
}
