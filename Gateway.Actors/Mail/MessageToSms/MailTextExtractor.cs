using System.Collections.Immutable;
using System.Text;
using MimeKit;
using MimeKit.Text;

namespace Gateway.Mail.MessageToSms;

/// <summary>The text an e-mail becomes, before it is fitted into SMS parts.</summary>
/// <param name="Text">The SMS text; may be empty when the mail had nothing to say.</param>
/// <param name="Notes">What the user should know about the conversion ("attachment ignored: a.pdf (application/pdf)").</param>
public sealed record MailText(string Text, string? Subject, string? MessageId, ImmutableArray<string> Notes);

/// <summary>
/// Reduces a parsed e-mail to the text of an SMS. The body is the first text/plain part that is not
/// an attachment (format=flowed is unwrapped), else the first text/html part converted by
/// <see cref="HtmlText"/>; MimeKit has already decoded transfer encodings and charsets. Quoted
/// replies and the signature are cut by <see cref="ReplyTrimmer"/> as configured. Every other
/// part (attachments, inline images, attached mails) is ignored and named in the notes. When the
/// body is empty the subject becomes the text (people often write the SMS in the subject).
/// Then the sender address and the subject are put in front, each on its own line, if
/// <c>insert-sender</c> / <c>insert-subject</c> ask for it. Pure.
/// </summary>
public static class MailTextExtractor
{
    public static MailText Extract(MimeMessage message, string sender, SmsTextOptions options)
    {
        MimeCharsets.Ensure();
        var notes = ImmutableArray.CreateBuilder<string>();
        var leaves = message.BodyParts.ToList();
        var plain = leaves.OfType<TextPart>().FirstOrDefault(p => p.IsPlain && !p.IsAttachment);
        var html = leaves.OfType<TextPart>().FirstOrDefault(p => p.IsHtml && !p.IsAttachment);

        string body;
        if (plain is not null)
            body = PlainText(plain);
        else if (html is not null)
        {
            body = HtmlText.ToText(html.Text, options.StripSignature);
            notes.Add("text taken from the HTML part");
        }
        else
            body = "";

        foreach (var part in leaves.Where(p => p != plain && p != html))
            notes.Add(Describe(part));

        var text = ReplyTrimmer.Trim(Normalize(body), options.StripQuotes, options.StripSignature);
        var subject = message.Subject is { } s ? Normalize(s).Replace('\n', ' ').Trim() : null;
        if (subject?.Length == 0) subject = null;

        if (text.Length == 0 && subject is not null && !options.InsertSubject)
        {
            text = subject;
            notes.Add("text taken from the subject (the body was empty)");
        }
        else if (options.InsertSubject && subject is not null)
            text = Join(subject, text);
        if (options.InsertSender) text = Join(sender, text);

        return new MailText(text, subject, message.MessageId, notes.ToImmutable());
    }

    private static string PlainText(TextPart part)
    {
        var text = part.Text;
        if (!part.IsFlowed) return text;
        var flowed = new FlowedToText
        {
            DeleteSpace = part.ContentType.Parameters.TryGetValue("delsp", out string? delsp)
                          && delsp.Equals("yes", StringComparison.OrdinalIgnoreCase),
        };
        // RFC 3676 4.3: the "-- " signature separator is never a flowed line, but MimeKit joins it
        // with the next line; without its trailing space it stays a line of its own.
        var lines = text.Replace("\r\n", "\n").Split('\n').Select(l => l == "-- " ? "--" : l);
        return flowed.Convert(string.Join("\n", lines));
    }

    private static string Join(string first, string rest) => rest.Length == 0 ? first : first + "\n" + rest;

    private static string Describe(MimeEntity part)
    {
        var name = part switch
        {
            MimePart p when !string.IsNullOrWhiteSpace(p.FileName) => p.FileName,
            MessagePart m => m.Message?.Subject is { Length: > 0 } subj ? $"attached mail \"{subj}\"" : "attached mail",
            _ => "unnamed part",
        };
        var kind = part.IsAttachment ? "attachment" : "part";
        return $"{kind} ignored: {name} ({part.ContentType.MimeType.ToLowerInvariant()})";
    }

    /// <summary>
    /// Line ends become <c>\n</c>; characters that cost an SMS dearly but mean nothing are dropped or
    /// replaced: no-break spaces (HTML's <c>&amp;nbsp;</c>, which would force UCS2) become spaces,
    /// tabs become spaces, zero-width characters, soft hyphens, byte-order marks and other control
    /// characters go.
    /// </summary>
    internal static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text.Replace("\r\n", "\n").Replace('\r', '\n'))
        {
            switch (c)
            {
                case '\n':
                    sb.Append('\n');
                    break;
                case '\t' or '\u00A0' or '\u2007' or '\u202F':
                    sb.Append(' ');
                    break;
                case '\u00AD' or '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF':
                    break;
                default:
                    if (!char.IsControl(c)) sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }
}
