using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Gateway.Configuration;
using Gateway.Sms;
using MimeKit;
using MimeKit.Text;

namespace Gateway.Mailbox;

/// <summary>
/// Writes an incoming SMS as an RFC 5322 e-mail (CRLF line endings), the way the user's mail
/// client shows it and replies to it:
/// <code>
/// From: "+420777123456" &lt;+420777123456@sms.example.net&gt;   (Reply sends an SMS back)
/// To: alice &lt;alice@sms.example.net&gt;
/// Date: the SMS time stamp, in the zone the network gave
/// Subject: mail.incoming.subject with its placeholders filled in
/// Message-ID, X-Gateway-Module / -Group / -Parts / -Sim / -Sender-Type
/// X-Gateway-Incomplete: part 2 of 3 never arrived   (only for an incomplete concatenated SMS;
///                                                     the subject then ends in "(incomplete)" and the body starts with the same note)
/// </code>
/// and a UTF-8 text/plain body (7bit when it is plain ASCII, else quoted-printable). Pure: the
/// same input always gives the same bytes.
/// </summary>
public static class IncomingSmsComposer
{
    private static readonly FormatOptions Format = CreateFormat();

    private static FormatOptions CreateFormat()
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        options.EnsureNewLine = true;
        return options;
    }

    /// <param name="messageId">The Message-ID without angle brackets (see <see cref="MessageIdFor"/>).</param>
    public static ImmutableArray<byte> Compose(IncomingSms sms, UserSettings user, string domain, string subjectTemplate, string messageId)
    {
        var message = new MimeMessage();
        // The raw value keeps the quotes of "+420777123456" that MimeKit's own formatting would drop.
        var from = new Header(HeaderId.From, "");
        from.SetRawValue(Encoding.UTF8.GetBytes(" " + FromHeader(sms.Sender, domain) + "\r\n"));
        message.Headers.Replace(from); // MimeMessage starts with an empty From header: replace it, never add a second
        message.To.Add(new MailboxAddress(user.Name, user.Address));
        message.Date = sms.Timestamp;
        message.Subject = Subject(subjectTemplate, sms, user) + (sms.IsIncomplete ? " (incomplete)" : "");
        message.MessageId = messageId;
        message.Headers.Add("X-Gateway-Module", sms.Module);
        message.Headers.Add("X-Gateway-Group", sms.Group);
        message.Headers.Add("X-Gateway-Parts", sms.Parts.ToString(CultureInfo.InvariantCulture));
        if (sms.SimNumber is not null) message.Headers.Add("X-Gateway-Sim", sms.SimNumber);
        message.Headers.Add("X-Gateway-Sender-Type", ConfigValues.ToKebab(sms.Sender.Type.ToString()));
        if (sms.IsIncomplete) message.Headers.Add("X-Gateway-Incomplete", MissingNote(sms));

        var text = sms.IsIncomplete ? $"[Incomplete SMS: {MissingNote(sms)}.]\n\n{sms.Text}" : sms.Text;
        var body = new TextPart(TextFormat.Plain);
        body.SetText(Encoding.UTF8, text.ReplaceLineEndings("\r\n"));
        body.ContentTransferEncoding = text.All(c => c < 128 && (c >= ' ' || c is '\r' or '\n' or '\t'))
                                       && text.Split('\n').All(l => l.Length <= 900)
            ? ContentEncoding.SevenBit
            : ContentEncoding.QuotedPrintable;
        message.Body = body;

        using var stream = new MemoryStream(1024);
        message.WriteTo(Format, stream);
        return System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(stream.ToArray());
    }

    /// <summary><c>part(s) 2, 3 of 3 never arrived</c>, for the header and the body of an incomplete SMS.</summary>
    public static string MissingNote(IncomingSms sms) =>
        $"part{(sms.MissingParts.Length > 1 ? "s" : "")} {string.Join(", ", sms.MissingParts)} of {sms.Parts + sms.MissingParts.Length} never arrived";

    /// <summary>
    /// A Message-ID derived from the user and the delivery id, so a re-offered SMS would get the
    /// same id (the mailbox stores it once anyway): <c>sms.&lt;hash&gt;@domain</c>.
    /// </summary>
    public static string MessageIdFor(string user, string deliveryId, string domain)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(user + "\0" + deliveryId));
        return $"sms.{Convert.ToHexStringLower(hash, 0, 12)}@{domain}";
    }

    /// <summary>The subject from <paramref name="template"/>; placeholders are those of <see cref="IncomingMailSettings"/>.</summary>
    public static string Subject(string template, IncomingSms sms, UserSettings user) =>
        new StringBuilder(template)
            .Replace("{number}", sms.Sender.Value)
            .Replace("{user}", user.Name)
            .Replace("{date}", sms.Timestamp.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))
            .Replace("{module}", sms.Module)
            .Replace("{sim}", sms.SimNumber ?? sms.Module)
            .Replace("{group}", sms.Group)
            .ToString();

    /// <summary>
    /// <c>"+420777123456" &lt;+420777123456@domain&gt;</c> for numbers; an alphanumeric sender keeps
    /// its name for display and gets a local part made of its safe characters (replying to it is
    /// refused by SMTP with a clear reason, as no SMS can be sent to a name).
    /// </summary>
    public static string FromHeader(SmsAddress sender, string domain)
    {
        var local = sender.Type == AddressType.Alphanumeric ? SafeLocalPart(sender.Value) : sender.Value;
        var display = sender.Value.Replace("\\", "\\\\").Replace("\"", "\\\"");
        if (display.All(c => c is >= ' ' and < (char)127))
            return $"\"{display}\" <{local}@{domain}>";
        // A name with letters outside ASCII needs RFC 2047 encoding: let MimeKit write it.
        return new MailboxAddress(sender.Value, $"{local}@{domain}").ToString(Format, encode: true);
    }

    private static string SafeLocalPart(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '.');
        var local = string.Join('.', sb.ToString().Split('.', StringSplitOptions.RemoveEmptyEntries));
        return local.Length == 0 ? "unknown-sender" : local;
    }
}

/// <summary>Byte-level helpers for stored messages.</summary>
public static class MessageBytes
{
    /// <summary>
    /// The message with every line ending as CRLF (bare LF and bare CR become CRLF) and a final
    /// CRLF, which is what POP3 sends and what sizes are counted in.
    /// </summary>
    public static ImmutableArray<byte> NormalizeLineEndings(ReadOnlySpan<byte> raw)
    {
        var output = new List<byte>(raw.Length + raw.Length / 32 + 2);
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (b == '\r')
            {
                output.Add((byte)'\r');
                output.Add((byte)'\n');
                if (i + 1 < raw.Length && raw[i + 1] == '\n') i++;
            }
            else if (b == '\n')
            {
                output.Add((byte)'\r');
                output.Add((byte)'\n');
            }
            else output.Add(b);
        }
        if (output.Count < 2 || output[^2] != '\r' || output[^1] != '\n')
        {
            output.Add((byte)'\r');
            output.Add((byte)'\n');
        }
        return [.. output];
    }
}
