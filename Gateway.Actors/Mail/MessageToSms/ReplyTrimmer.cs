using System.Text;
using System.Text.RegularExpressions;

namespace Gateway.Mail.MessageToSms;

/// <summary>
/// Cuts what a reply carries besides the new text, the way the common mail clients write it:
/// <list type="bullet">
/// <item>Signature: everything from the <c>-- </c> line on (RFC 3676 4.3; a bare <c>--</c> too,
/// because several clients drop the trailing space).</item>
/// <item>Outlook: everything from an "-----Original Message-----" line, from a line of underscores
/// followed by a "From:" header, or from a "From: … / Sent: …" header block on (Outlook quotes the
/// original below such a header, unindented). English, Czech, German, French, Spanish, Italian
/// and Dutch labels are known.</item>
/// <item>Thunderbird, Gmail, Apple Mail: lines starting with <c>&gt;</c>, and the attribution line
/// before them ("On …, Alice wrote:"), including Gmail's attribution wrapped over two lines.</item>
/// </list>
/// Then trailing spaces go, runs of blank lines shrink to one, and blank lines at either end go.
/// Pure and total: any text in, text out.
/// </summary>
public static partial class ReplyTrimmer
{
    public static string Trim(string text, bool stripQuotes, bool stripSignature)
    {
        var lines = text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n').ToList();

        if (stripSignature)
        {
            var sig = lines.FindIndex(IsSignatureDelimiter);
            if (sig >= 0) lines.RemoveRange(sig, lines.Count - sig);
        }
        if (stripQuotes)
        {
            var header = Enumerable.Range(0, lines.Count).FirstOrDefault(i => StartsOriginalMessage(lines, i), -1);
            if (header >= 0) lines.RemoveRange(header, lines.Count - header);
            lines = RemoveQuotedLines(lines);
        }
        return Tidy(lines);
    }

    // Whitespace around a line is not part of it (the same trim Tidy applies at the start of the text).
    private static bool IsSignatureDelimiter(string line) => line.Trim() == "--";

    private static bool IsQuoted(string line) => line.TrimStart().StartsWith('>');

    private static bool StartsOriginalMessage(List<string> lines, int i)
    {
        var line = lines[i];
        if (OriginalMessageSeparator().IsMatch(line)) return true;
        if (Underscores().IsMatch(line))
            return lines.Skip(i + 1).Take(3).Any(l => FromHeader().IsMatch(l));
        if (FromHeader().IsMatch(line))
            return lines.Skip(i + 1).Take(4).Any(l => SentHeader().IsMatch(l));
        return false;
    }

    private static List<string> RemoveQuotedLines(List<string> lines)
    {
        var kept = new List<string>(lines.Count);
        var inQuote = false;
        foreach (var line in lines)
        {
            if (!IsQuoted(line))
            {
                // blank lines inside a quote block do not end it
                inQuote &= line.Trim().Length == 0;
                kept.Add(line);
                continue;
            }
            if (inQuote) continue;
            inQuote = true;
            // The first quoted line of a block: drop the attribution paragraph just above it.
            var last = kept.Count - 1;
            while (last >= 0 && kept[last].Trim().Length == 0) last--;
            if (last >= 0 && IsAttribution(kept[last]))
            {
                var from = last;
                // Gmail wraps long attributions: "On Tue, … Alice Example <" / "alice@example.com> wrote:"
                if (from > 0 && kept[from - 1].Trim().Length > 0 && AttributionOpener().IsMatch(kept[from - 1])
                    && !AttributionOpener().IsMatch(kept[from]))
                    from--;
                kept.RemoveRange(from, kept.Count - from);
            }
        }
        return kept;
    }

    private static bool IsAttribution(string line)
    {
        var t = line.Trim();
        return t.EndsWith(':') && (AttributionVerb().IsMatch(t) || t.Contains('@') || t.Any(char.IsAsciiDigit));
    }

    private static string Tidy(List<string> lines)
    {
        var sb = new StringBuilder();
        var blank = 0;
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            if (line.Length == 0)
            {
                blank++;
                continue;
            }
            if (sb.Length > 0) sb.Append(blank > 0 ? "\n\n" : "\n");
            blank = 0;
            sb.Append(sb.Length == 0 ? line.TrimStart() : line);
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"^\s*-{2,}\s*(Original Message|Původní zpráva|Ursprüngliche Nachricht|Message d'origine|Mensaje original|Messaggio originale|Oorspronkelijk bericht|Originalnachricht)\s*-{2,}\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex OriginalMessageSeparator();

    [GeneratedRegex(@"^\s*_{10,}\s*$")]
    private static partial Regex Underscores();

    [GeneratedRegex(@"^\s*\*?(From|Od|Von|De|Da|Van)\*?\s*:\s*\S", RegexOptions.IgnoreCase)]
    private static partial Regex FromHeader();

    [GeneratedRegex(@"^\s*\*?(Sent|Date|Odesláno|Datum|Gesendet|Envoyé|Enviado|Inviato|Verzonden|Verstuurd)\*?\s*:", RegexOptions.IgnoreCase)]
    private static partial Regex SentHeader();

    [GeneratedRegex(@"(wrote|writes|napsal|napsala|schrieb|écrit|escribió|scritto|schreef|skrev|kirjoitti|pisze|napísal)", RegexOptions.IgnoreCase)]
    private static partial Regex AttributionVerb();

    [GeneratedRegex(@"^\s*(On|Am|Le|El|Il|Op|Den|Dne|Em)\s", RegexOptions.IgnoreCase)]
    private static partial Regex AttributionOpener();
}
