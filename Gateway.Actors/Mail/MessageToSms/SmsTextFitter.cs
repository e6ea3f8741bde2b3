using System.Collections.Immutable;
using System.Globalization;
using Gateway.Configuration;
using Gateway.Sms;

namespace Gateway.Mail.MessageToSms;

/// <summary>A text that fits the configured SMS limits, with how it will be sent.</summary>
/// <param name="Notes">What fitting changed: characters GSM-7 lacked, a cut.</param>
public sealed record FittedText(string Text, SmsPlan Plan, ImmutableArray<string> Notes);

/// <summary>
/// Decides whether a text can go out as SMS under <c>sms.max-parts</c>, <c>allow-unicode</c> and
/// <c>allow-concatenation</c>, using the codec's <see cref="TextPlanner"/> for the coding and the
/// part count. Too long: refused with the numbers (parts needed, parts allowed), or, with
/// <c>oversize = truncate</c>, cut to the longest prefix that fits (never inside a character or an
/// emoji). Pure.
/// </summary>
public static class SmsTextFitter
{
    public static bool TryFit(string text, SmsEncodingOptions options, OversizeHandling oversize, out FittedText? fitted, out string? problem)
    {
        fitted = null;
        problem = null;
        if (TextPlanner.TryPlan(text, options, out var plan, out var error))
        {
            fitted = new FittedText(text, plan!, ReplacementNotes(plan!));
            return true;
        }
        if (oversize == OversizeHandling.Refuse || error!.PartsNeeded <= error.MaxParts)
        {
            problem = error!.Message;
            return false;
        }

        // Binary search over text-element boundaries for the longest prefix that still plans:
        // prefix k holds the first k elements, k in 1 .. n-1 (the whole text did not fit).
        var boundaries = StringInfo.ParseCombiningCharacters(text);
        int lo = 1, hi = boundaries.Length - 1;
        SmsPlan? best = null;
        var bestText = "";
        while (lo <= hi)
        {
            var mid = lo + (hi - lo) / 2;
            var candidate = text[..boundaries[mid]].TrimEnd();
            if (candidate.Length > 0 && TextPlanner.TryPlan(candidate, options, out var p, out _))
            {
                best = p;
                bestText = candidate;
                lo = mid + 1;
            }
            else
                hi = mid - 1;
        }
        if (best is null)
        {
            problem = error!.Message;
            return false;
        }
        var notes = ReplacementNotes(best).Add(
            $"text cut to fit {error!.MaxParts} SMS: {bestText.Length} of {text.Length} characters sent ({error.PartsNeeded} parts were needed)");
        fitted = new FittedText(bestText, best, notes);
        return true;
    }

    private static ImmutableArray<string> ReplacementNotes(SmsPlan plan) =>
        plan.Replaced.Count == 0
            ? ImmutableArray<string>.Empty
            : ImmutableArray.Create($"characters not in the GSM alphabet were replaced: {string.Join(" ", plan.Replaced.Distinct())}");
}
