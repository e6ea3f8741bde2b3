using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Sms;

namespace Gateway.Routing;

/// <summary>
/// The SMTP side's outgoing-rule check, answered by the routing rules (<see cref="OutgoingRules"/>):
/// at <c>RCPT TO</c> a recipient no rule could allow, whatever the text, is refused (550) so the
/// user learns at once; at the end of <c>DATA</c> the text is checked too (a text-prefix rule) at
/// the time the job will carry, the same time the router decides by. Thread-safe (pure rules and
/// a clock).
/// </summary>
public sealed class RoutingPermissions(OutgoingRules rules, TimeProvider time) : IOutgoingPermissions
{
    public static RoutingPermissions From(GatewaySettings settings, TimeProvider? time = null) =>
        new(OutgoingRules.From(settings), time ?? TimeProvider.System);

    public OutgoingPermission Check(string user, PhoneNumber destination) =>
        Permission(rules.CheckRecipient(user, destination.E164, OutgoingRules.LocalTime(time.GetUtcNow(), time.LocalTimeZone)));

    public OutgoingPermission CheckMessage(string user, PhoneNumber destination, string text, DateTimeOffset acceptedAt) =>
        Permission(rules.Decide(user, destination.E164, text, OutgoingRules.LocalTime(acceptedAt, time.LocalTimeZone)));

    private static OutgoingPermission Permission(RouteDecision decision) => decision switch
    {
        RouteDecision.Refused r => OutgoingPermission.Refused(r.Reason),
        _ => OutgoingPermission.Granted,
    };
}
