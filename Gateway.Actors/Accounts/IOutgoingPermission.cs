using Gateway.Sms;

namespace Gateway.Accounts;

/// <summary>Whether a user may send to a destination, and if not, why (said to the client in the 550 reply).</summary>
public sealed record OutgoingPermission(bool Allowed, string? Reason)
{
    public static readonly OutgoingPermission Granted = new(true, null);

    public static OutgoingPermission Refused(string reason) => new(false, reason);
}

/// <summary>
/// The outgoing-rule check the SMTP side asks at <c>RCPT TO</c>: may <paramref name="user"/> (the
/// account's short name) send an SMS to <paramref name="destination"/>? The routing rules
/// (<c>gateway.routing.outgoing</c>) implement it; until they do, <see cref="AllowEveryDestination"/>
/// is registered. Must be cheap and thread-safe: it runs for every recipient.
/// </summary>
public interface IOutgoingPermissions
{
    OutgoingPermission Check(string user, PhoneNumber destination);
}

/// <summary>The default before routing rules exist: every user may reach every valid number.</summary>
public sealed class AllowEveryDestination : IOutgoingPermissions
{
    public static readonly AllowEveryDestination Instance = new();

    public OutgoingPermission Check(string user, PhoneNumber destination) => OutgoingPermission.Granted;
}
