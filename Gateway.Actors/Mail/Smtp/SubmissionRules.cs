using Gateway.Accounts;
using Gateway.Sms;

namespace Gateway.Mail.Smtp;

/// <summary>A recipient that passed <see cref="SubmissionRules.CheckRecipient"/>: the number its SMS goes to.</summary>
public sealed record AcceptedRecipient(string Address, PhoneNumber Number);

/// <summary>
/// The envelope rules of SMTP submission, as pure functions of the logged-in account and the
/// configuration: who may appear in <c>MAIL FROM</c>, which <c>RCPT TO</c> addresses are SMS
/// destinations. Each refusal is an <see cref="SmtpReply"/> whose text says what is wrong.
/// </summary>
public static class SubmissionRules
{
    /// <summary>
    /// <c>MAIL FROM</c> must be the address of the account that logged in (no sending as someone
    /// else); the null sender <c>&lt;&gt;</c> is for bounces and is refused too.
    /// </summary>
    public static SmtpReply? CheckSender(Account account, string localPart, string domain)
    {
        if (localPart.Length == 0 && domain.Length == 0)
            return new SmtpReply(553, $"5.7.1 the sender must be your own address <{account.Address}>, not the null sender <>");
        var given = $"{localPart}@{domain}";
        return string.Equals(given, account.Address, StringComparison.OrdinalIgnoreCase)
            ? null
            : new SmtpReply(553, $"5.7.1 the sender must be your own address <{account.Address}>, not <{given}>");
    }

    /// <summary>
    /// <c>RCPT TO</c> must be <c>&lt;number&gt;@&lt;mail.domain&gt;</c> with a valid phone number
    /// (national numbers take the default country code) that the user's outgoing rules allow.
    /// Another domain is a relay attempt: 550. A bad number: 553 with the number's problem.
    /// </summary>
    public static bool CheckRecipient(
        Account account, string localPart, string domain, string smsDomain, string defaultCountryCode,
        IOutgoingPermissions permissions, out AcceptedRecipient? accepted, out SmtpReply? refusal)
    {
        accepted = null;
        refusal = null;
        var address = $"{localPart}@{domain}";
        if (!string.Equals(domain.TrimEnd('.'), smsDomain, StringComparison.OrdinalIgnoreCase))
        {
            refusal = new SmtpReply(550, $"5.7.1 relay denied: <{address}> is not an SMS address; write to <number>@{smsDomain}");
            return false;
        }
        if (!PhoneNumber.TryParse(localPart, defaultCountryCode, out var number, out var error))
        {
            refusal = new SmtpReply(553, $"5.1.3 <{address}> is not a phone number: {error!.Message}");
            return false;
        }
        var permission = permissions.Check(account.Name, number);
        if (!permission.Allowed)
        {
            refusal = new SmtpReply(550, $"5.7.1 {account.Name} may not send SMS to {number.E164}: {permission.Reason}");
            return false;
        }
        accepted = new AcceptedRecipient(address, number);
        return true;
    }
}
