using Gateway.Configuration;
using Gateway.Sms;

namespace Gateway.Routing.Incoming;

/// <summary>What the incoming rules look at in one received (reassembled) SMS.</summary>
/// <param name="Sender">The originator as the network gave it.</param>
/// <param name="SenderNumber">The originator as E.164, when it is a number (national numbers take the default country code); null for names and short codes.</param>
/// <param name="Group">The SMS group of the module it arrived on.</param>
/// <param name="LocalTime">The node's local time when it is routed (rules' hours and weekdays).</param>
public sealed record IncomingSmsFacts(SmsAddress Sender, string? SenderNumber, string Module, string Group, string Text, DateTime LocalTime)
{
    /// <summary>The E.164 form of an originator, or null: international numbers as they are, national and other digit strings with <paramref name="defaultCountryCode"/>.</summary>
    public static string? NumberOf(SmsAddress sender, string defaultCountryCode) => sender.Type switch
    {
        AddressType.International => PhoneNumber.TryParse(sender.Value, null, out var n, out _) ? n.E164 : null,
        AddressType.National or AddressType.Other =>
            PhoneNumber.TryParse(sender.Value, defaultCountryCode, out var n, out _) ? n.E164 : null,
        _ => null,
    };
}

/// <summary>What to do with an incoming SMS.</summary>
public abstract record IncomingDecision
{
    /// <summary>A short description for the log.</summary>
    public abstract string Describe();
}

/// <summary>Why an SMS goes to a user.</summary>
public enum DeliveryReason
{
    /// <summary>The sender is on the VIP list.</summary>
    Vip,

    /// <summary>A <c>deliver</c> rule named the user.</summary>
    Rule,

    /// <summary>An <c>autoclip</c> rule found the user's live record for (sender, module).</summary>
    AutoClip,

    /// <summary>No rule matched and <c>routing.postmaster</c> names the user.</summary>
    Postmaster,
}

/// <summary>Store the SMS in <see cref="User"/>'s mailbox.</summary>
/// <param name="RuleIndex">The rule that decided (index in <c>routing.incoming</c>), null for VIP and postmaster.</param>
public sealed record DeliverToUser(string User, DeliveryReason Reason, int? RuleIndex) : IncomingDecision
{
    public override string Describe() => Reason switch
    {
        DeliveryReason.Vip => $"to {User} (VIP sender)",
        DeliveryReason.Postmaster => $"to {User} (no rule matched: postmaster)",
        DeliveryReason.AutoClip => $"to {User} (AutoCLIP, rule {RuleIndex})",
        _ => $"to {User} (rule {RuleIndex})",
    };
}

/// <summary>A <c>drop</c> rule matched: keep a record that it was dropped, store nothing else.</summary>
public sealed record DropSms(int RuleIndex) : IncomingDecision
{
    public override string Describe() => $"dropped (rule {RuleIndex})";
}

/// <summary>No rule matched and there is no postmaster: keep the SMS as a record.</summary>
public sealed record NoRuleMatched : IncomingDecision
{
    public static readonly NoRuleMatched Instance = new();

    public override string Describe() => "kept as a record (no rule matched)";
}

/// <summary>
/// An <c>autoclip</c> rule matched: ask AutoCLIP who owns (<see cref="Number"/>, module), then
/// decide again with the answer (<see cref="IncomingRules.Decide"/>'s <c>autoClip</c> argument).
/// </summary>
public sealed record LookUpAutoClip(int RuleIndex, string Number) : IncomingDecision
{
    public override string Describe() => $"asking AutoCLIP about {Number} (rule {RuleIndex})";
}

/// <summary>AutoCLIP's answer for the SMS's (sender, module): the live record's user, or null.</summary>
public sealed record AutoClipAnswer(string? Owner);

/// <summary>
/// The incoming rules, as a pure function. In order: a VIP sender goes to its user whatever the
/// rules say; then <c>routing.incoming</c>, first match wins. A rule matches when its group is
/// the module's group (or <c>*</c>), one of its sender masks matches, the text starts with its
/// text prefix (ignoring case and leading blanks) and the node's local time is within its hours
/// and weekdays. An <c>autoclip</c> rule that finds no live record (or whose sender is no number,
/// so can have none) falls through to the next rule. No match: the postmaster user, if set;
/// else <see cref="NoRuleMatched"/>. The AutoCLIP answer is the same for every autoclip rule of
/// one SMS (the key is sender and module), so it is asked for at most once.
/// </summary>
public static class IncomingRules
{
    public static IncomingDecision Decide(RoutingSettings routing, IncomingSmsFacts sms, AutoClipAnswer? autoClip = null)
    {
        if (sms.SenderNumber is { } number && routing.Vip.FirstOrDefault(v => v.Number == number) is { } vip)
            return new DeliverToUser(vip.User, DeliveryReason.Vip, null);

        foreach (var rule in routing.Incoming)
        {
            if (!Matches(rule, sms)) continue;
            switch (rule.Action)
            {
                case IncomingAction.Deliver:
                    return new DeliverToUser(rule.User!, DeliveryReason.Rule, rule.Index);
                case IncomingAction.Drop:
                    return new DropSms(rule.Index);
                case IncomingAction.Autoclip:
                    if (sms.SenderNumber is null) continue;
                    if (autoClip is null) return new LookUpAutoClip(rule.Index, sms.SenderNumber);
                    if (autoClip.Owner is { } owner) return new DeliverToUser(owner, DeliveryReason.AutoClip, rule.Index);
                    continue;
            }
        }
        return routing.Postmaster is { } postmaster
            ? new DeliverToUser(postmaster, DeliveryReason.Postmaster, null)
            : NoRuleMatched.Instance;
    }

    /// <summary>Whether <paramref name="rule"/>'s conditions (not its action) hold for <paramref name="sms"/>.</summary>
    public static bool Matches(IncomingRule rule, IncomingSmsFacts sms)
    {
        if (rule.Group != "*" && rule.Group != sms.Group) return false;
        var sender = sms.SenderNumber ?? sms.Sender.Value;
        if (!rule.Senders.Any(mask => mask.Matches(sender))) return false;
        if (rule.TextPrefix is { Length: > 0 } prefix && !sms.Text.TrimStart().StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return false;
        return rule.Schedule.Covers(sms.LocalTime);
    }
}
