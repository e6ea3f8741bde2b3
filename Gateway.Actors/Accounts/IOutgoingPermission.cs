using Gateway.Sms;

namespace Gateway.Accounts;

/// <summary>Whether a user may send to a destination, and if not, why (said to the client in the 550 reply).</summary>
public sealed record OutgoingPermission(bool Allowed, string? Reason)
{
    public static readonly OutgoingPermission Granted = new(true, null);

    public static OutgoingPermission Refused(string reason) => new(false, reason);
}

/// <summary>
/// The outgoing-rule checks of SMTP submission. At <c>RCPT TO</c> (<see cref="Check"/>): may
/// <c>user</c> (the account's short name) send an SMS to <c>destination</c>, whatever the text?
/// At the end of <c>DATA</c> (<see cref="CheckMessage"/>): may this text go there, now that it is
/// known (a rule may need a text prefix)? The routing rules (<c>gateway.routing.outgoing</c>,
/// <c>Gateway.Routing.RoutingPermissions</c>) implement it; <see cref="AllowEveryDestination"/>
/// is the allow-all stand-in for nodes and tests without rules. Must be cheap and thread-safe: it
/// runs for every recipient.
/// </summary>
public interface IOutgoingPermissions
{
    OutgoingPermission Check(string user, PhoneNumber destination);

    /// <summary>The check with the SMS text, at <paramref name="acceptedAt"/> (the time the job will carry).</summary>
    OutgoingPermission CheckMessage(string user, PhoneNumber destination, string text, DateTimeOffset acceptedAt) => Check(user, destination);
}

/// <summary>Every user may reach every valid number (a node or test without outgoing rules).</summary>
public sealed class AllowEveryDestination : IOutgoingPermissions
{
    public static readonly AllowEveryDestination Instance = new();

    public OutgoingPermission Check(string user, PhoneNumber destination) => OutgoingPermission.Granted;
}
