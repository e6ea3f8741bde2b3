namespace Gateway.Configuration;

/// <summary>Which e-mails about their outgoing SMS a user receives.</summary>
public enum NotifyMode { None, Failures, All }

/// <summary>One account, <c>gateway.users.&lt;name&gt;</c>. The user logs in with <see cref="Address"/> or <see cref="Name"/>.</summary>
/// <param name="PasswordHash">As printed by the <c>hash-password</c> verb; never the password itself.</param>
/// <param name="SmsGroups">The SMS groups this user may send through (the outgoing rules choose among them).</param>
public sealed record UserSettings(
    string Name,
    string Address,
    string PasswordHash,
    IReadOnlyList<string> SmsGroups,
    NotifyMode Notify)
{
    internal static UserSettings Read(string name, ConfigReader r, string domain)
    {
        var address = r.String("address", $"{name}@{domain}").Trim();
        if (address.Count(c => c == '@') != 1 || address.StartsWith('@') || address.EndsWith('@'))
            r.Error("address", $"\"{address}\" is not an e-mail address");
        var hash = r.RequiredString("password-hash");
        if (hash.Length > 0 && !Accounts.PasswordHasher.IsWellFormed(hash, out var problem))
            r.Error("password-hash", problem!);
        return new UserSettings(name, address, hash, r.Strings("sms-groups"), r.Enum("notify", NotifyMode.Failures));
    }
}
