using System.Text.RegularExpressions;

namespace Gateway.Configuration;

/// <summary>
/// <c>gateway.mail.mailbox</c>: limits and housekeeping of every user's mailbox (inbox and
/// outgoing jobs). A full mailbox refuses new SMS, which then wait on the SIM; nothing is dropped.
/// </summary>
/// <param name="MaxMessages">Most messages an inbox holds. Default 20,000.</param>
/// <param name="MaxBytes">Most bytes (sum of message sizes) an inbox holds. Default 50M.</param>
/// <param name="MaxPendingJobs">Most outgoing jobs not yet sent (queued or sending); more are refused (SMTP answers 451). Default 10,000.</param>
/// <param name="MaxFinishedJobs">Finished jobs (delivered or failed) kept for the record; the oldest are forgotten beyond this. Default 1,000.</param>
/// <param name="SnapshotEvery">Events between snapshots; after a snapshot the journal up to it is deleted, so recovery reads one snapshot and fewer than this many events. Default 500.</param>
/// <param name="JobReofferAfter">A queued job nobody has taken is offered to the outgoing-job consumer again after this long. Default 60s.</param>
/// <param name="PassivateAfter">An idle mailbox (no POP3 lock, no queued jobs) is stopped after this long and recovered on the next message. Default 2m.</param>
public sealed record MailboxSettings(
    int MaxMessages,
    long MaxBytes,
    int MaxPendingJobs,
    int MaxFinishedJobs,
    int SnapshotEvery,
    TimeSpan JobReofferAfter,
    TimeSpan PassivateAfter)
{
    public static readonly MailboxSettings Default = new(
        20_000, 50L * 1024 * 1024, 10_000, 1_000, 500, TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(2));

    internal static MailboxSettings Read(ConfigReader r)
    {
        var d = Default;
        var ms = TimeSpan.FromMilliseconds(1);
        return new MailboxSettings(
            r.Int("max-messages", d.MaxMessages, min: 1),
            r.Size("max-bytes", d.MaxBytes, min: 1024),
            r.Int("max-pending-jobs", d.MaxPendingJobs, min: 1),
            r.Int("max-finished-jobs", d.MaxFinishedJobs, min: 0),
            r.Int("snapshot-every", d.SnapshotEvery, min: 1, max: 1_000_000),
            r.Duration("job-reoffer-after", d.JobReofferAfter, ms),
            r.Duration("passivate-after", d.PassivateAfter, ms));
    }
}

/// <summary><c>gateway.mail.incoming</c>: how an incoming SMS is written as an e-mail.</summary>
/// <param name="Subject">
/// Subject template. Placeholders: <c>{number}</c> (the sender), <c>{user}</c>, <c>{date}</c>
/// (the SMS time stamp, yyyy-MM-dd HH:mm), <c>{module}</c> (receiving module), <c>{sim}</c> (its SIM
/// number, or the module name when unknown), <c>{group}</c>. Default <c>SMS from {number}</c>.
/// </param>
public sealed record IncomingMailSettings(string Subject)
{
    public static readonly IncomingMailSettings Default = new("SMS from {number}");

    /// <summary>The placeholders a subject template may use.</summary>
    public static readonly IReadOnlySet<string> Placeholders =
        new HashSet<string>(["number", "user", "date", "module", "sim", "group"], StringComparer.Ordinal);

    private static readonly Regex Placeholder = new(@"\{([^{}]*)\}", RegexOptions.CultureInvariant);

    internal static IncomingMailSettings Read(ConfigReader r)
    {
        var subject = r.String("subject", Default.Subject);
        foreach (Match m in Placeholder.Matches(subject))
            if (!Placeholders.Contains(m.Groups[1].Value))
                r.Error("subject", $"\"{m.Value}\" is not a placeholder; use {string.Join(", ", Placeholders.Order().Select(p => "{" + p + "}"))}");
        if (subject.Any(char.IsControl))
            r.Error("subject", "must not contain control characters (line breaks, tabs)");
        return new IncomingMailSettings(subject);
    }
}

/// <summary><c>gateway.mail.pop3</c> (besides <c>listen</c>): the POP3 server's limits and timeouts.</summary>
/// <param name="IdleTimeout">A connection silent this long is closed without entering UPDATE (nothing deleted). RFC 1939 asks for at least 10 minutes. Default 10m.</param>
/// <param name="MaxConnections">Open POP3 connections per node, over all listeners; more are answered <c>-ERR [SYS/TEMP]</c> and closed. Default 100.</param>
/// <param name="MailboxTimeout">Longest wait for the mailbox (lock, message contents, committing deletions); then <c>-ERR [SYS/TEMP]</c>. Default 10s.</param>
/// <param name="MaxBadCommands">Refused commands (unknown, malformed, too long, out of state) after which the connection is closed. Default 20.</param>
public sealed record Pop3Settings(TimeSpan IdleTimeout, int MaxConnections, TimeSpan MailboxTimeout, int MaxBadCommands)
{
    public static readonly Pop3Settings Default = new(TimeSpan.FromMinutes(10), 100, TimeSpan.FromSeconds(10), 20);

    internal static Pop3Settings Read(ConfigReader r)
    {
        var d = Default;
        var ms = TimeSpan.FromMilliseconds(1);
        return new Pop3Settings(
            r.Duration("idle-timeout", d.IdleTimeout, ms),
            r.Int("max-connections", d.MaxConnections, min: 1, max: 1_000_000),
            r.Duration("mailbox-timeout", d.MailboxTimeout, ms),
            r.Int("max-bad-commands", d.MaxBadCommands, min: 1, max: 10_000));
    }
}
