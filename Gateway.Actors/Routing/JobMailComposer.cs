using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Gateway.Configuration;
using MimeKit;
using MimeKit.Text;

namespace Gateway.Routing;

/// <summary>The e-mails the gateway writes about a user's outgoing SMS.</summary>
public enum JobMailKind
{
    /// <summary>The SMS could not be sent (refused for good, retries exhausted, no module): always written.</summary>
    Bounce,

    /// <summary>Status reports say every part reached the phone (<c>notify = all</c>).</summary>
    Delivered,

    /// <summary>A status report says the network gave up (<c>notify = failures | all</c>).</summary>
    NotDelivered,

    /// <summary>The SMS left, when no status reports are asked for (<c>notify = all</c>).</summary>
    Sent,
}

/// <summary>What a job e-mail says.</summary>
/// <param name="Detail">Why it bounced, or what the status report said.</param>
/// <param name="Text">The SMS text (the whole of it in a bounce; a preview in a notice), if known.</param>
/// <param name="InReplyTo">The Message-ID of the user's e-mail, so the client threads the answer with it.</param>
public sealed record JobMailFacts(
    string JobId, string Destination, string? Module, string Detail, DateTimeOffset At,
    string? Text, DateTimeOffset? AcceptedAt = null, string? InReplyTo = null, string? OriginalSubject = null);

/// <summary>
/// Writes bounces and delivery notices as RFC 5322 e-mails (CRLF, UTF-8 text/plain) for the
/// user's mailbox: from <c>routing.notifications.from</c> (default
/// <c>mailer-daemon@&lt;mail.domain&gt;</c>), marked <c>Auto-Submitted: auto-replied</c> (RFC 3834)
/// so no client answers them automatically, with <c>X-Gateway-Job</c>, <c>-Destination</c> and
/// <c>-Notice</c> headers for filters. Who gets which is <see cref="Wants"/>. Pure.
/// </summary>
public static class JobMailComposer
{
    private static readonly FormatOptions Format = CreateFormat();

    private static FormatOptions CreateFormat()
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        options.EnsureNewLine = true;
        return options;
    }

    /// <summary>
    /// Whether a user with <paramref name="notify"/> gets a <paramref name="kind"/> e-mail: bounces
    /// always (a message that never left must not pass unnoticed); not-delivered notices unless
    /// <c>none</c>; delivered and sent notices only with <c>all</c>.
    /// </summary>
    public static bool Wants(NotifyMode notify, JobMailKind kind) => kind switch
    {
        JobMailKind.Bounce => true,
        JobMailKind.NotDelivered => notify != NotifyMode.None,
        _ => notify == NotifyMode.All,
    };

    /// <summary>The mailbox delivery id of a job e-mail: one of each kind per job, so a retry stores it once.</summary>
    public static string DeliveryId(JobMailKind kind, string jobId) => $"{kind.ToString().ToLowerInvariant()}:{jobId}";

    public static ImmutableArray<byte> Compose(JobMailKind kind, JobMailFacts facts, UserSettings user, NotificationSettings notifications, string domain)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("SMS gateway", notifications.FromAddress(domain)));
        message.To.Add(new MailboxAddress(user.Name, user.Address));
        message.Date = facts.At;
        message.Subject = Subject(kind, facts, notifications);
        message.MessageId = MessageIdFor(user.Name, DeliveryId(kind, facts.JobId), domain);
        if (facts.InReplyTo is { Length: > 0 } original)
        {
            message.InReplyTo = original;
            message.References.Add(original);
        }
        message.Headers.Add("Auto-Submitted", "auto-replied");
        message.Headers.Add("X-Gateway-Job", facts.JobId);
        message.Headers.Add("X-Gateway-Destination", facts.Destination);
        message.Headers.Add("X-Gateway-Notice", kind.ToString().ToLowerInvariant());
        if (facts.Module is not null) message.Headers.Add("X-Gateway-Module", facts.Module);

        var body = new TextPart(TextFormat.Plain);
        var text = Body(kind, facts).ReplaceLineEndings("\r\n");
        body.SetText(Encoding.UTF8, text);
        body.ContentTransferEncoding = text.All(c => c < 128) && text.Split('\n').All(l => l.Length <= 900)
            ? ContentEncoding.SevenBit
            : ContentEncoding.QuotedPrintable;
        message.Body = body;

        using var stream = new MemoryStream(1024);
        message.WriteTo(Format, stream);
        return System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(stream.ToArray());
    }

    public static string Subject(JobMailKind kind, JobMailFacts facts, NotificationSettings n) =>
        new StringBuilder(kind switch
            {
                JobMailKind.Bounce => n.BounceSubject,
                JobMailKind.Delivered => n.DeliveredSubject,
                JobMailKind.NotDelivered => n.NotDeliveredSubject,
                _ => n.SentSubject,
            })
            .Replace("{number}", facts.Destination)
            .Replace("{job}", facts.JobId)
            .Replace("{module}", facts.Module ?? "-")
            .ToString();

    private static string Body(JobMailKind kind, JobMailFacts f)
    {
        var b = new StringBuilder();
        b.AppendLine(kind switch
        {
            JobMailKind.Bounce => $"Your SMS to {f.Destination} could not be sent.",
            JobMailKind.Delivered => $"Your SMS to {f.Destination} was delivered.",
            JobMailKind.NotDelivered => $"Your SMS to {f.Destination} was sent, but the network could not deliver it.",
            _ => $"Your SMS to {f.Destination} was sent.",
        });
        b.AppendLine();
        b.AppendLine((kind == JobMailKind.Bounce ? "Why:      " : "Report:   ") + f.Detail);
        b.AppendLine($"Number:   {f.Destination}");
        if (f.Module is not null) b.AppendLine($"Module:   {f.Module}");
        b.AppendLine($"Job:      {f.JobId}");
        if (f.AcceptedAt is { } accepted) b.AppendLine($"Accepted: {Stamp(accepted)}");
        b.AppendLine($"{(kind == JobMailKind.Bounce ? "Failed" : "Noted")}:   {Stamp(f.At)}");
        if (f.OriginalSubject is { Length: > 0 } subject) b.AppendLine($"Subject:  {subject}");
        if (f.Text is not null)
        {
            b.AppendLine();
            b.AppendLine(kind == JobMailKind.Bounce ? "The text of the SMS:" : "The SMS began:");
            b.AppendLine();
            b.AppendLine(f.Text);
        }
        return b.ToString();
    }

    private static string Stamp(DateTimeOffset t) => t.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    private static string MessageIdFor(string user, string deliveryId, string domain)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(user + "\0" + deliveryId));
        return $"notice.{Convert.ToHexStringLower(hash, 0, 12)}@{domain}";
    }
}
