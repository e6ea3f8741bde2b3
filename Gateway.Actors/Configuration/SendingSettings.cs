using System.Text.RegularExpressions;

namespace Gateway.Configuration;

/// <summary>
/// <c>gateway.routing.sending</c>: how the SMS router works a job through the modules of its
/// groups: retries and back-off, how long it waits when no module can take the job, its own
/// guard on every send, how many jobs it hands one module at a time. Tests shrink the durations.
/// </summary>
/// <param name="MaxAttempts">Sends to a module (over all modules and rounds) before a job fails with a bounce. Default 5.</param>
/// <param name="RetryBackoffMin">Wait after every usable module of the job's groups failed once, before the next round; doubles per round. Default 2s.</param>
/// <param name="RetryBackoffMax">Longest wait between rounds. Default 60s.</param>
/// <param name="NoModuleWait">How long a job waits while no module of its groups can take it (down, not registered, at a limit); then it fails with a bounce. Default 10m.</param>
/// <param name="SendGuardMargin">
/// Added to the router's own time limit on a send: a module that has not answered within
/// (its parts + the parts queued ahead of it) × (<c>modem.command-timeout</c> + <c>modem.send-timeout</c>)
/// + this margin is taken as failed (retryable; it may have been sent). Default 30s.
/// </param>
/// <param name="ModuleWindow">Jobs this router keeps handed to one module at once (one sending, the rest queued in the module), so a modem never idles between jobs while the rest wait in the router where any module can take them. Default 2.</param>
/// <param name="StickyLookupTimeout">Longest wait for AutoCLIP to name a job's sticky module; then the job is routed without it. Default 2s.</param>
/// <param name="AckTimeout">Longest wait for the mailbox, AutoCLIP or the sent-parts index to acknowledge a record; then it is sent again (with back-off up to <see cref="RetryBackoffMax"/>). Default 10s.</param>
/// <param name="MaxActiveJobs">Jobs one router works on at once; further offers stay queued in their mailboxes, which offer them again later. Default 50000.</param>
public sealed record SendingSettings(
    int MaxAttempts,
    TimeSpan RetryBackoffMin,
    TimeSpan RetryBackoffMax,
    TimeSpan NoModuleWait,
    TimeSpan SendGuardMargin,
    int ModuleWindow,
    TimeSpan StickyLookupTimeout,
    TimeSpan AckTimeout,
    int MaxActiveJobs)
{
    public static readonly SendingSettings Default = new(
        5, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(30),
        2, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(10), 50_000);

    internal static SendingSettings Read(ConfigReader r)
    {
        var d = Default;
        var ms = TimeSpan.FromMilliseconds(1);
        var s = new SendingSettings(
            r.Int("max-attempts", d.MaxAttempts, min: 1, max: 1000),
            r.Duration("retry-backoff-min", d.RetryBackoffMin, ms),
            r.Duration("retry-backoff-max", d.RetryBackoffMax, ms),
            r.Duration("no-module-wait", d.NoModuleWait, TimeSpan.Zero),
            r.Duration("send-guard-margin", d.SendGuardMargin, ms),
            r.Int("module-window", d.ModuleWindow, min: 1, max: 1000),
            r.Duration("sticky-lookup-timeout", d.StickyLookupTimeout, ms),
            r.Duration("ack-timeout", d.AckTimeout, ms),
            r.Int("max-active-jobs", d.MaxActiveJobs, min: 1, max: 10_000_000));
        if (s.RetryBackoffMax < s.RetryBackoffMin)
            r.Error("retry-backoff-max", "must not be shorter than retry-backoff-min");
        return s;
    }
}

/// <summary>
/// <c>gateway.routing.notifications</c>: the e-mails the gateway writes to a user about their
/// outgoing SMS (bounces always; delivery notices as <c>users.&lt;name&gt;.notify</c> says).
/// Subjects take the placeholders <c>{number}</c> (the destination), <c>{job}</c> and <c>{module}</c>.
/// </summary>
/// <param name="From">Sender address of these e-mails; empty = <c>mailer-daemon@&lt;mail.domain&gt;</c>. Default "".</param>
/// <param name="BounceSubject">The SMS could not be sent. Default "SMS to {number} not sent".</param>
/// <param name="DeliveredSubject">A status report says every part reached the phone. Default "SMS to {number} delivered".</param>
/// <param name="NotDeliveredSubject">A status report says the network gave up. Default "SMS to {number} not delivered".</param>
/// <param name="SentSubject">The SMS left (sent only to <c>notify = all</c> users when <c>sms.status-reports = off</c>). Default "SMS to {number} sent".</param>
public sealed record NotificationSettings(string From, string BounceSubject, string DeliveredSubject, string NotDeliveredSubject, string SentSubject)
{
    public static readonly NotificationSettings Default = new(
        "", "SMS to {number} not sent", "SMS to {number} delivered", "SMS to {number} not delivered", "SMS to {number} sent");

    /// <summary>The placeholders a subject may use.</summary>
    public static readonly IReadOnlySet<string> Placeholders = new HashSet<string>(["number", "job", "module"], StringComparer.Ordinal);

    private static readonly Regex Placeholder = new(@"\{([^{}]*)\}", RegexOptions.CultureInvariant);

    /// <summary>The sender address: <see cref="From"/>, or <c>mailer-daemon@</c><paramref name="domain"/>.</summary>
    public string FromAddress(string domain) => From.Length > 0 ? From : $"mailer-daemon@{domain}";

    internal static NotificationSettings Read(ConfigReader r)
    {
        var d = Default;
        var from = r.String("from", d.From).Trim();
        if (from.Length > 0 && (from.Count(c => c == '@') != 1 || from.StartsWith('@') || from.EndsWith('@') || from.Any(c => c <= ' ')))
            r.Error("from", $"\"{from}\" is not an e-mail address");
        return new NotificationSettings(from, Subject(r, "bounce-subject", d.BounceSubject), Subject(r, "delivered-subject", d.DeliveredSubject),
            Subject(r, "not-delivered-subject", d.NotDeliveredSubject), Subject(r, "sent-subject", d.SentSubject));
    }

    private static string Subject(ConfigReader r, string key, string fallback)
    {
        var subject = r.String(key, fallback);
        foreach (Match m in Placeholder.Matches(subject))
            if (!Placeholders.Contains(m.Groups[1].Value))
                r.Error(key, $"\"{m.Value}\" is not a placeholder; use {{number}}, {{job}} or {{module}}");
        if (subject.Any(char.IsControl)) r.Error(key, "must not contain control characters (line breaks, tabs)");
        return subject;
    }
}
