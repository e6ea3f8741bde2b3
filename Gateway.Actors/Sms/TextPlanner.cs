namespace Gateway.Sms;

/// <summary>The <c>gateway.sms</c> choices that decide how a text becomes SMS parts.</summary>
public sealed record SmsEncodingOptions(bool AllowUnicode = true, bool AllowConcatenation = true, int MaxParts = 6);

/// <summary>
/// How a text will be sent: its coding and its parts' texts (each fits one SMS with a
/// concatenation header when there is more than one), plus any characters GSM-7 lacked that were
/// replaced (when UCS2 is not allowed).
/// </summary>
public sealed record SmsPlan(SmsCoding Coding, IReadOnlyList<string> Parts, IReadOnlyList<string> Replaced)
{
    public int PartCount => Parts.Count;
}

/// <summary>Why a text cannot be sent as planned.</summary>
public sealed record SmsPlanError(int PartsNeeded, int MaxParts, string Message);

/// <summary>
/// Chooses the coding (GSM-7 when the text fits it, else UCS2 if allowed, else GSM-7 with
/// replacements) and splits into parts: 160/153 septets or 70/67 UCS2 code units, never
/// splitting an escape sequence or a surrogate pair. Pure.
/// </summary>
public static class TextPlanner
{
    public static bool TryPlan(string text, SmsEncodingOptions options, out SmsPlan? plan, out SmsPlanError? error) =>
        throw new NotImplementedException("text planner: to be written");

    /// <summary>
    /// The SMS-SUBMIT parts for a plan: TP-MR 0 (the modem assigns it), concatenation header with
    /// the 8-bit <paramref name="concatReference"/> when there are several parts.
    /// </summary>
    public static IReadOnlyList<SmsSubmit> ToSubmits(SmsPlan plan, SmsAddress destination, byte concatReference, bool statusReport, TimeSpan? validityPeriod) =>
        throw new NotImplementedException("text planner: to be written");
}
