using System.Collections.Immutable;

namespace Gateway.Sms;

/// <summary>The <c>gateway.sms</c> choices that decide how a text becomes SMS parts.</summary>
/// <param name="AllowUnicode">Send UCS2 when GSM-7 cannot write the text (default on); off = replace with <see cref="Transliteration"/>.</param>
/// <param name="AllowConcatenation">Split a long text into concatenated parts (default on); off = one SMS at most.</param>
/// <param name="MaxParts">Longest message in parts, 1–255 (default 6).</param>
public sealed record SmsEncodingOptions(bool AllowUnicode = true, bool AllowConcatenation = true, int MaxParts = 6)
{
    /// <summary>The most parts an 8-bit concatenation header can count.</summary>
    public const int MaxPartsLimit = 255;
}

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
    /// <summary>
    /// Plans <paramref name="text"/>. Fails (with the parts it would need) when it needs more than
    /// <see cref="SmsEncodingOptions.MaxParts"/> parts, or more than one without concatenation.
    /// </summary>
    public static bool TryPlan(string text, SmsEncodingOptions options, out SmsPlan? plan, out SmsPlanError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (options.MaxParts is < 1 or > SmsEncodingOptions.MaxPartsLimit)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxParts, $"MaxParts must be 1–{SmsEncodingOptions.MaxPartsLimit}");

        var coding = SmsCoding.Gsm7;
        ImmutableArray<string> replaced = [];
        var septets = Gsm7Alphabet.CountSeptets(text);
        if (septets < 0)
        {
            if (options.AllowUnicode) coding = SmsCoding.Ucs2;
            else
            {
                text = Transliteration.ToGsm7(text, out replaced);
                septets = Gsm7Alphabet.CountSeptets(text);
            }
        }

        var cuts = coding == SmsCoding.Gsm7 ? Gsm7Cuts(text, septets) : Ucs2Cuts(text);
        var needed = cuts.Count + 1;
        var allowed = options.AllowConcatenation ? options.MaxParts : 1;
        if (needed > allowed)
        {
            plan = null;
            var unit = coding == SmsCoding.Gsm7 ? "GSM-7" : "UCS2";
            error = new SmsPlanError(needed, allowed, options.AllowConcatenation
                ? $"the text needs {needed} SMS parts ({unit}); at most {allowed} are allowed"
                : $"the text needs {needed} SMS parts ({unit}) and concatenation is off: it must fit one SMS");
            return false;
        }

        var parts = ImmutableArray.CreateBuilder<string>(needed);
        var start = 0;
        for (var i = 0; i < cuts.Count; i++)
        {
            parts.Add(text[start..cuts[i]]);
            start = cuts[i];
        }
        parts.Add(text[start..]);
        plan = new SmsPlan(coding, parts.MoveToImmutable(), replaced);
        error = null;
        return true;
    }

    /// <summary>
    /// The SMS-SUBMIT parts for a plan: TP-MR 0 (the modem assigns it), concatenation header with
    /// the 8-bit <paramref name="concatReference"/> when there are several parts.
    /// </summary>
    public static IReadOnlyList<SmsSubmit> ToSubmits(SmsPlan plan, SmsAddress destination, byte concatReference, bool statusReport, TimeSpan? validityPeriod)
    {
        var total = plan.PartCount;
        var submits = ImmutableArray.CreateBuilder<SmsSubmit>(total);
        for (var i = 0; i < total; i++)
        {
            var concat = total > 1 ? new ConcatInfo(concatReference, total, i + 1) : null;
            submits.Add(new SmsSubmit(0, destination, plan.Coding, plan.Parts[i], [], concat, statusReport, validityPeriod));
        }
        return submits.MoveToImmutable();
    }

    /// <summary>Where parts end (exclusive indexes, the last part's end left out): 160 septets fit one SMS, else 153 per part.</summary>
    private static IReadOnlyList<int> Gsm7Cuts(string text, int septets)
    {
        if (septets <= Gsm7Alphabet.SinglePartSeptets) return [];
        var cuts = new List<int>();
        var used = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var cost = Gsm7Alphabet.SeptetCount(text[i]); // 2 for an escape sequence, which stays whole
            if (used + cost > Gsm7Alphabet.ConcatenatedPartSeptets)
            {
                cuts.Add(i);
                used = 0;
            }
            used += cost;
        }
        return cuts;
    }

    /// <summary>Where parts end: 70 code units fit one SMS, else 67 per part, a surrogate pair kept together.</summary>
    private static IReadOnlyList<int> Ucs2Cuts(string text)
    {
        if (text.Length <= Ucs2.SinglePartUnits) return [];
        var cuts = new List<int>();
        var start = 0;
        while (text.Length - start > Ucs2.ConcatenatedPartUnits)
        {
            var cut = start + Ucs2.ConcatenatedPartUnits;
            if (char.IsHighSurrogate(text[cut - 1]) && char.IsLowSurrogate(text[cut])) cut--;
            cuts.Add(cut);
            start = cut;
        }
        return cuts;
    }
}
