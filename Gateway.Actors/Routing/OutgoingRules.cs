using System.Collections.Immutable;
using Gateway.Configuration;

namespace Gateway.Routing;

/// <summary>What the outgoing rules say about one SMS (or, at <c>RCPT TO</c>, about one recipient).</summary>
public abstract record RouteDecision
{
    /// <summary>
    /// Rule <see cref="Rule"/> matched. <see cref="Groups"/> are its SMS groups that the user may
    /// use, in the rule's order (the first is preferred, the others are fallbacks).
    /// <see cref="Text"/> is the SMS text to send: the rule's prefix, and the spaces after it,
    /// removed; null when no text was given (the <c>RCPT TO</c> check).
    /// </summary>
    public sealed record Route(OutgoingRule Rule, ImmutableArray<string> Groups, string? Text) : RouteDecision;

    /// <summary>No rule lets the user send this; <see cref="Reason"/> says why, for the 550 reply or the bounce.</summary>
    public sealed record Refused(string Reason) : RouteDecision;
}

/// <summary>
/// The evaluator of <c>gateway.routing.outgoing</c>: ordered rules, first match wins. A rule
/// matches when it names the user (or <c>*</c>), one of its destination masks matches the number
/// (E.164; <c>?</c> is one digit, <c>*</c> any run), its hours and weekdays cover the time (node
/// local time), it leaves the user at least one group, and, if it has a text prefix, the text
/// starts with it. Pure: settings in, decision out.
/// <para>
/// Groups: a rule's groups are intersected with the user's <c>sms-groups</c> (keeping the rule's
/// order). A rule that leaves the user no group does not apply to that user and the next rule is
/// tried, so a rule for <c>*</c> naming a group only some users have does not hide later rules
/// from the others. A user whose <c>sms-groups</c> is empty may send nothing.
/// </para>
/// <para>
/// Text prefix: compared case-insensitively with the text after leading white space. The prefix is
/// a routing keyword, not part of the message: it is removed, with the white space after it,
/// before the SMS is sent. At <c>RCPT TO</c> the text is unknown, so a recipient is accepted when
/// any rule could match whatever the text (<see cref="CheckRecipient"/>); the text is checked
/// again at the end of <c>DATA</c> (<see cref="Decide"/>).
/// </para>
/// </summary>
public sealed class OutgoingRules
{
    private readonly IReadOnlyList<OutgoingRule> _rules;
    private readonly IReadOnlyDictionary<string, UserSettings> _users;

    public OutgoingRules(IReadOnlyList<OutgoingRule> rules, IReadOnlyDictionary<string, UserSettings> users)
    {
        _rules = rules;
        _users = users;
    }

    public static OutgoingRules From(GatewaySettings settings) => new(settings.Routing.Outgoing, settings.Users);

    /// <summary>
    /// The <c>RCPT TO</c> check: could any rule let <paramref name="user"/> send to
    /// <paramref name="destination"/> at <paramref name="localTime"/>, whatever the text? A
    /// <see cref="RouteDecision.Route"/> here names the first rule that could (its text is null).
    /// </summary>
    public RouteDecision CheckRecipient(string user, string destination, DateTime localTime) =>
        Evaluate(user, destination, text: null, localTime);

    /// <summary>The route of an SMS with its text: the first rule that matches, or why none does.</summary>
    public RouteDecision Decide(string user, string destination, string text, DateTime localTime) =>
        Evaluate(user, destination, text ?? throw new ArgumentNullException(nameof(text)), localTime);

    private RouteDecision Evaluate(string user, string destination, string? text, DateTime localTime)
    {
        if (!_users.TryGetValue(user, out var account)) return new RouteDecision.Refused($"there is no user \"{user}\"");
        if (account.SmsGroups.Count == 0)
            return new RouteDecision.Refused($"{user} may use no SMS group (users.{user}.sms-groups is empty)");

        var misses = new List<string>();
        foreach (var rule in _rules)
        {
            if (!rule.Users.Contains("*") && !rule.Users.Contains(user)) continue;
            if (!rule.Destinations.Any(m => m.Matches(destination))) continue;
            if (!rule.Schedule.Covers(localTime))
            {
                misses.Add($"rule {rule.Index} applies only {Describe(rule.Schedule)}");
                continue;
            }
            var groups = rule.Groups.Where(account.SmsGroups.Contains).ToImmutableArray();
            if (groups.IsEmpty)
            {
                misses.Add($"rule {rule.Index} sends through {string.Join(", ", rule.Groups)}, which {user} may not use");
                continue;
            }
            var prefix = string.IsNullOrEmpty(rule.TextPrefix) ? null : rule.TextPrefix;
            if (prefix is null || text is null) return new RouteDecision.Route(rule, groups, text);
            if (TryStripPrefix(text, prefix, out var stripped)) return new RouteDecision.Route(rule, groups, stripped);
            misses.Add($"rule {rule.Index} needs the text to start with \"{prefix}\"");
        }

        var reason = $"no outgoing rule lets {user} send to {destination}";
        return new RouteDecision.Refused(misses.Count == 0 ? reason : $"{reason} ({string.Join("; ", misses.Distinct())})");
    }

    /// <summary>The wall-clock time rules are written in (the node's local zone) at <paramref name="at"/>.</summary>
    public static DateTime LocalTime(DateTimeOffset at, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(at, zone).DateTime;

    /// <summary>
    /// Whether <paramref name="text"/> (after leading white space) starts with <paramref name="prefix"/>,
    /// case-insensitively; <paramref name="stripped"/> is the rest without the white space that follows.
    /// </summary>
    public static bool TryStripPrefix(string text, string prefix, out string stripped)
    {
        var body = text.AsSpan().TrimStart();
        if (!body.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            stripped = text;
            return false;
        }
        stripped = body[prefix.Length..].TrimStart().ToString();
        return true;
    }

    private static string Describe(RuleSchedule schedule)
    {
        var parts = new List<string>();
        if (schedule.Hours is { } h) parts.Add($"{h}");
        if (schedule.Weekdays.Count > 0)
            parts.Add("on " + string.Join(", ", schedule.Weekdays.OrderBy(d => ((int)d + 6) % 7).Select(d => d.ToString()[..3].ToLowerInvariant())));
        return string.Join(" ", parts);
    }
}
