using System.Globalization;
using System.Text.RegularExpressions;
using Gateway.Sms;

namespace Gateway.Configuration;

public enum IncomingAction { Autoclip, Deliver, Drop }

/// <summary>A daily time window such as <c>08:00-18:00</c>; one whose end is before its start wraps midnight.</summary>
public sealed record TimeWindow(TimeOnly From, TimeOnly To)
{
    public bool Contains(TimeOnly t) => From <= To ? t >= From && t < To : t >= From || t < To;

    public override string ToString() => $"{From:HH\\:mm}-{To:HH\\:mm}";

    public static bool TryParse(string text, out TimeWindow window)
    {
        window = null!;
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !TimeOnly.TryParseExact(parts[0], "H:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            || !TimeOnly.TryParseExact(parts[1], "H:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to))
            return false;
        window = new TimeWindow(from, to);
        return true;
    }
}

/// <summary>When a rule applies: optional daily hours and weekdays (node local time). Empty = always.</summary>
public sealed record RuleSchedule(TimeWindow? Hours, IReadOnlySet<DayOfWeek> Weekdays)
{
    public static readonly RuleSchedule Always = new(null, new HashSet<DayOfWeek>());

    public bool Covers(DateTime localTime) =>
        (Hours is null || Hours.Contains(TimeOnly.FromDateTime(localTime)))
        && (Weekdays.Count == 0 || Weekdays.Contains(localTime.DayOfWeek));

    private static readonly string[] DayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    internal static RuleSchedule Read(ConfigReader r)
    {
        TimeWindow? hours = null;
        var h = r.OptionalString("hours");
        if (h is not null && !TimeWindow.TryParse(h, out hours!))
        {
            r.Error("hours", $"must be a window such as \"08:00-18:00\", not \"{h}\"");
            hours = null;
        }
        var days = new HashSet<DayOfWeek>();
        foreach (var d in r.Strings("weekdays"))
        {
            var i = Array.IndexOf(DayNames, d.Trim().ToLowerInvariant()[..Math.Min(3, d.Trim().Length)]);
            if (i < 0) r.Error("weekdays", $"\"{d}\" is not a weekday (mon, tue, wed, thu, fri, sat, sun)");
            else days.Add((DayOfWeek)i);
        }
        return hours is null && days.Count == 0 ? Always : new RuleSchedule(hours, days);
    }
}

/// <summary>
/// A number mask: digits, <c>?</c> for exactly one digit, <c>*</c> for any run of digits; written
/// in E.164 (<c>+420*</c>) or as a bare <c>*</c>. Alphanumeric sender names match literally.
/// </summary>
public sealed record NumberMask(string Pattern)
{
    private readonly Regex _regex = new(
        "^" + Regex.Escape(Pattern).Replace("\\*", ".*").Replace("\\?", "[0-9]") + "$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    public bool Matches(string numberOrName) => _regex.IsMatch(numberOrName);

    public override string ToString() => Pattern;

    public static bool IsValid(string pattern) =>
        pattern.Length > 0 && (pattern == "*" || pattern.TrimStart('+').All(c => char.IsAsciiDigit(c) || c is '*' or '?'))
        || pattern.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-' or '_' or '.');
}

/// <summary>One entry of <c>routing.outgoing</c>: who may send where, through which groups in order.</summary>
public sealed record OutgoingRule(
    int Index,
    IReadOnlyList<string> Users,
    IReadOnlyList<NumberMask> Destinations,
    IReadOnlyList<string> Groups,
    string? TextPrefix,
    RuleSchedule Schedule);

/// <summary>One entry of <c>routing.incoming</c>: what to do with an SMS that arrived on a module of <see cref="Group"/>.</summary>
public sealed record IncomingRule(
    int Index,
    string Group,
    IncomingAction Action,
    string? User,
    IReadOnlyList<NumberMask> Senders,
    string? TextPrefix,
    RuleSchedule Schedule);

/// <summary>A fixed sender that always reaches one user, whatever the rules say.</summary>
public sealed record VipEntry(string Number, string User);

/// <summary>Who takes outgoing SMS jobs from the mailboxes (<c>routing.job-consumer</c>).</summary>
public enum JobConsumerKind
{
    /// <summary>The SMS router sends them through the modules (<c>Gateway.Routing.SmsRouter</c>); the default.</summary>
    Router,

    /// <summary>Log each job and leave it queued: a node that only accepts mail, sending nothing.</summary>
    Log,

    /// <summary>Record each job delivered at once without sending anything: for benchmarks only.</summary>
    Sink,
}

/// <summary><c>gateway.routing</c>.</summary>
/// <param name="JobConsumer">Who takes outgoing jobs; default <see cref="JobConsumerKind.Router"/>.</param>
public sealed record RoutingSettings(
    IReadOnlyList<OutgoingRule> Outgoing,
    IReadOnlyList<IncomingRule> Incoming,
    IReadOnlyList<VipEntry> Vip,
    JobConsumerKind JobConsumer = JobConsumerKind.Router)
{
    /// <summary><c>routing.sending</c>: retries, back-off and limits of the outgoing router.</summary>
    public SendingSettings Sending { get; init; } = SendingSettings.Default;

    /// <summary><c>routing.notifications</c>: bounces and delivery notices.</summary>
    public NotificationSettings Notifications { get; init; } = NotificationSettings.Default;

    /// <summary>The user who gets an incoming SMS no rule matches; null (the default) = keep it as a record on the node instead.</summary>
    public string? Postmaster { get; init; }

    /// <summary>How long the parts of a concatenated SMS are waited for; then what came is delivered marked incomplete. Default 10m.</summary>
    public TimeSpan ReassemblyTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>First wait before an incoming SMS that could not be stored (full mailbox, storage trouble) is tried again; doubles up to <see cref="DeliveryRetryMax"/>. Default 5s.</summary>
    public TimeSpan DeliveryRetryMin { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait between tries to store an incoming SMS. Default 5m.</summary>
    public TimeSpan DeliveryRetryMax { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest wait for the mailbox, AutoCLIP or the record store to answer about one SMS before asking again. Default 30s.</summary>
    public TimeSpan AnswerTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Kept records (dropped, unmatched, undecodable SMS) a node holds; beyond that the oldest is forgotten, with a log line. Default 10000.</summary>
    public int KeptRecords { get; init; } = 10_000;

    internal static RoutingSettings Read(ConfigReader r, string defaultCountryCode)
    {
        var outgoing = r.Objects("outgoing").Select((rule, i) => new OutgoingRule(
            i,
            rule.Strings("users", "*"),
            DestinationMasks(rule),
            Required(rule, "groups"),
            rule.OptionalString("text-prefix"),
            RuleSchedule.Read(rule))).ToArray();

        var incoming = r.Objects("incoming").Select((rule, i) =>
        {
            var action = rule.Enum("action", IncomingAction.Drop);
            if (!rule.Has("action")) rule.Error("action", "is required (autoclip | deliver | drop)");
            var user = rule.OptionalString("user");
            if (action == IncomingAction.Deliver && user is null) rule.Error("user", "is required for action = deliver");
            return new IncomingRule(i, rule.String("group", "*"), action, user, Masks(rule, "senders"),
                rule.OptionalString("text-prefix"), RuleSchedule.Read(rule));
        }).ToArray();

        var vip = r.Objects("vip").Select(v =>
        {
            var text = v.RequiredString("number");
            var number = PhoneNumber.TryParse(text, defaultCountryCode, out var n, out var err) ? n.E164 : text;
            if (err is not null && text.Length > 0) v.Error("number", err.Message);
            return new VipEntry(number, v.RequiredString("user"));
        }).ToArray();

        var postmaster = r.String("postmaster", "");
        var ms = TimeSpan.FromMilliseconds(1);
        var settings = new RoutingSettings(outgoing, incoming, vip, r.Enum("job-consumer", JobConsumerKind.Router))
        {
            Sending = SendingSettings.Read(r.Child("sending")),
            Notifications = NotificationSettings.Read(r.Child("notifications")),
            Postmaster = postmaster.Length == 0 ? null : postmaster,
            ReassemblyTimeout = r.Duration("reassembly-timeout", TimeSpan.FromMinutes(10), ms),
            DeliveryRetryMin = r.Duration("delivery-retry-min", TimeSpan.FromSeconds(5), ms),
            DeliveryRetryMax = r.Duration("delivery-retry-max", TimeSpan.FromMinutes(5), ms),
            AnswerTimeout = r.Duration("answer-timeout", TimeSpan.FromSeconds(30), ms),
            KeptRecords = r.Int("kept-records", 10_000, min: 1, max: 10_000_000),
        };
        if (settings.DeliveryRetryMax < settings.DeliveryRetryMin)
            r.Error("delivery-retry-max", "must not be shorter than delivery-retry-min");
        return settings;
    }

    /// <summary>Destinations are E.164 numbers, so a mask must start with + (or be *): "420*" would never match.</summary>
    private static IReadOnlyList<NumberMask> DestinationMasks(ConfigReader rule)
    {
        var masks = Masks(rule, "destinations");
        foreach (var m in masks.Where(m => NumberMask.IsValid(m.Pattern) && !m.Pattern.StartsWith('+') && !m.Pattern.StartsWith('*')))
            rule.Error("destinations", $"\"{m.Pattern}\" must be written in E.164 with + (e.g. \"+{m.Pattern.TrimStart('0')}\"), or start with *");
        return masks;
    }

    private static IReadOnlyList<string> Required(ConfigReader r, string key)
    {
        var list = r.Strings(key);
        if (list.Length == 0) r.Error(key, "must name at least one SMS group");
        return list;
    }

    private static IReadOnlyList<NumberMask> Masks(ConfigReader r, string key)
    {
        var masks = r.Strings(key, "*");
        foreach (var m in masks)
            if (!NumberMask.IsValid(m))
                r.Error(key, $"\"{m}\" is not a number mask (digits, ? for one digit, * for any; e.g. \"+420*\")");
        return masks.Select(m => new NumberMask(m.Trim())).ToArray();
    }
}
