using System.Buffers;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Gateway.Mail.MessageToSms;
using Gateway.Sms;
using MimeKit;

namespace Gateway.Mail.Smtp;

/// <summary>An accepted mail reduced to what its SMS jobs carry; immutable, safe to send to actors.</summary>
public sealed record PreparedMail(
    string Text,
    SmsCoding Coding,
    int Parts,
    string? Subject,
    string? MessageId,
    ImmutableArray<string> Notes,
    long Size);

/// <summary>The outcome of <see cref="MailPreparation.Prepare"/>: a mail ready for jobs, or the reply that refuses it.</summary>
public sealed record MailConversion(PreparedMail? Mail, SmtpReply? Refusal)
{
    public static MailConversion Refuse(int code, string text) => new(null, new SmtpReply(code, text));
}

/// <summary>
/// The DATA step before anything is stored: size check, MIME parsing (MimeKit), reduction to SMS
/// text (<see cref="MailTextExtractor"/>) and the fit into SMS parts (<see cref="SmsTextFitter"/>).
/// Runs on the SMTP connection's own task, not on an actor, and copies nothing mutable out.
/// </summary>
public static class MailPreparation
{
    public static MailConversion Prepare(ReadOnlySequence<byte> data, string sender, long maxMessageSize, MailConversionOptions options)
    {
        if (data.Length > maxMessageSize)
            return MailConversion.Refuse(552, $"5.3.4 the message is {data.Length} bytes; the limit is {maxMessageSize}");

        MimeCharsets.Ensure();
        MimeMessage message;
        try
        {
            using var stream = AsStream(data);
            message = MimeMessage.Load(stream);
        }
        catch (FormatException e)
        {
            return MailConversion.Refuse(554, $"5.6.0 the message is not a valid e-mail: {e.Message}");
        }

        MailText text;
        try
        {
            text = MailTextExtractor.Extract(message, sender, options.Text);
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            return MailConversion.Refuse(554, $"5.6.0 the message text could not be decoded: {e.Message}");
        }
        finally
        {
            message.Dispose();
        }

        if (text.Text.Length == 0)
            return MailConversion.Refuse(554, "5.6.0 the message has no text to send: the body (after quotes and signature) and the subject are empty");

        if (!SmsTextFitter.TryFit(text.Text, options.Encoding, options.Oversize, out var fitted, out var problem))
            return MailConversion.Refuse(554, $"5.3.4 the text is too long for SMS: {problem}");

        return new MailConversion(new PreparedMail(
            fitted!.Text, fitted.Plan.Coding, fitted.Plan.PartCount, text.Subject, text.MessageId,
            text.Notes.AddRange(fitted.Notes), data.Length), null);
    }

    private static Stream AsStream(ReadOnlySequence<byte> data) =>
        data.IsSingleSegment && MemoryMarshal.TryGetArray(data.First, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(data.ToArray(), writable: false);
}
