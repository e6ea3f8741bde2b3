namespace Gateway.Configuration;

/// <summary>
/// <c>gateway.mail.smtp</c>: the limits and timeouts of the SMTP submission listeners (their
/// addresses are <see cref="MailSettings.SmtpListen"/>). Every limit exists so that one client
/// cannot hold the node's memory, sockets or mailbox hostage.
/// </summary>
/// <param name="ServerName">Name in the greeting and EHLO reply. Default: this machine's host name.</param>
/// <param name="MaxConnections">Open SMTP connections per node, all listeners together; one more is answered 421 and closed. Default 100.</param>
/// <param name="MaxRecipients">Recipients (SMS) per mail; one more is answered 452. Default 20.</param>
/// <param name="MaxLineLength">Longest line in bytes, commands and message text alike; a longer one is answered 500 and the connection closed. Default 8k (RFC 5321 needs 1000).</param>
/// <param name="MaxErrors">Refused or malformed commands in a row before the connection is closed. Default 10.</param>
/// <param name="MaxAuthAttempts">Failed AUTH attempts per connection before it is closed. Default 3.</param>
/// <param name="CommandTimeout">Longest wait for the next command. Default 5m (RFC 5321 4.5.3.2).</param>
/// <param name="SessionTimeout">Longest life of one connection, however busy. Default 30m.</param>
/// <param name="StoreTimeout">Longest wait for the mailbox to persist an accepted mail; past it the client gets 451. Default 10s.</param>
public sealed record SmtpSettings(
    string ServerName,
    int MaxConnections,
    int MaxRecipients,
    int MaxLineLength,
    int MaxErrors,
    int MaxAuthAttempts,
    TimeSpan CommandTimeout,
    TimeSpan SessionTimeout,
    TimeSpan StoreTimeout)
{
    public static readonly SmtpSettings Default = new(
        System.Net.Dns.GetHostName(), 100, 20, 8 * 1024, 10, 3,
        TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromSeconds(10));

    internal static SmtpSettings Read(ConfigReader r)
    {
        var d = Default;
        var name = r.String("server-name", "").Trim();
        if (name.Any(c => c <= ' ' || c > '~'))
            r.Error("server-name", $"\"{name}\" must be printable ASCII without spaces");
        return new SmtpSettings(
            name.Length == 0 ? d.ServerName : name,
            r.Int("max-connections", d.MaxConnections, min: 1, max: 100_000),
            r.Int("max-recipients", d.MaxRecipients, min: 1, max: 1000),
            (int)Math.Min(r.Size("max-line-length", d.MaxLineLength, min: 1000), 1024 * 1024),
            r.Int("max-errors", d.MaxErrors, min: 1, max: 1000),
            r.Int("max-auth-attempts", d.MaxAuthAttempts, min: 1, max: 100),
            r.Duration("command-timeout", d.CommandTimeout, TimeSpan.FromMilliseconds(100)),
            r.Duration("session-timeout", d.SessionTimeout, TimeSpan.FromMilliseconds(100)),
            r.Duration("store-timeout", d.StoreTimeout, TimeSpan.FromMilliseconds(100)));
    }
}
