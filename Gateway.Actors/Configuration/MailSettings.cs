using Gateway.Accounts;
using Gateway.Sms;

namespace Gateway.Configuration;

public enum TlsMode { None, Starttls, Implicit }

public enum PlaintextAuth { Never, Loopback, Always }

/// <summary>One listening socket of the SMTP or POP3 server.</summary>
public sealed record ListenerSettings(string Host, int Port, TlsMode Tls);

/// <summary><c>gateway.mail.tls</c>: the PKCS#12 file used by every TLS listener.</summary>
public sealed record TlsSettings(string Certificate, string Password)
{
    public bool Configured => Certificate.Length > 0;
}

/// <summary><c>gateway.mail</c>: the SMTP and POP3 side.</summary>
/// <param name="MaxMessageSize">Largest e-mail accepted over SMTP, in bytes; advertised with SIZE.</param>
/// <param name="Smtp">Limits and timeouts of the SMTP listeners.</param>
/// <param name="Domain">SMS recipients are written <c>&lt;number&gt;@Domain</c>.</param>
/// <param name="DefaultCountryCode">For numbers written without <c>+</c> or <c>00</c>.</param>
/// <param name="Pop3">POP3 limits and timeouts (<c>mail.pop3.*</c> besides <c>listen</c>).</param>
/// <param name="Mailbox">Per-user mailbox limits and housekeeping (<c>mail.mailbox</c>).</param>
/// <param name="Incoming">How incoming SMS are written as e-mails (<c>mail.incoming</c>).</param>
public sealed record MailSettings(
    string Domain,
    string DefaultCountryCode,
    IReadOnlyList<ListenerSettings> SmtpListen,
    IReadOnlyList<ListenerSettings> Pop3Listen,
    TlsSettings Tls,
    PlaintextAuth AllowPlaintextAuth,
    long MaxMessageSize,
    LoginThrottleSettings LoginThrottle,
    TimeSpan AuthCacheTtl,
    SmtpSettings Smtp,
    Pop3Settings Pop3,
    MailboxSettings Mailbox,
    IncomingMailSettings Incoming)
{
    internal static MailSettings Read(ConfigReader r)
    {
        var domain = r.String("domain", "sms.example.net").Trim().ToLowerInvariant();
        if (domain.Length == 0 || domain.Contains('@') || domain.Contains(' '))
            r.Error("domain", $"\"{domain}\" is not a domain name");
        var cc = r.String("default-country-code", "420").Trim().TrimStart('+');
        if (!PhoneNumber.IsCountryCode(cc))
            r.Error("default-country-code", $"\"{cc}\" is not a country calling code (1 to 3 digits, not starting with 0)");

        var smtp = ReadListeners(r.Child("smtp"), 2525);
        var pop3 = ReadListeners(r.Child("pop3"), 1100);
        var tlsReader = r.Child("tls");
        var tls = new TlsSettings(tlsReader.String("certificate", ""), tlsReader.String("password", ""));
        if (!tls.Configured && smtp.Concat(pop3).Any(l => l.Tls != TlsMode.None))
            tlsReader.Error("certificate", "is required when a listener has tls = starttls or implicit");
        else if (tls.Configured && !File.Exists(tls.Certificate))
            tlsReader.Error("certificate", $"file \"{tls.Certificate}\" does not exist");

        var throttle = r.Child("login-throttle");
        var d = LoginThrottleSettings.Default;
        return new MailSettings(domain, cc, smtp, pop3, tls,
            r.Enum("allow-plaintext-auth", PlaintextAuth.Loopback),
            r.Size("max-message-size", 256 * 1024, min: 1024),
            new LoginThrottleSettings(
                throttle.Int("max-failures", d.MaxFailures, min: 1, max: 1000),
                throttle.Duration("window", d.Window, TimeSpan.FromSeconds(1)),
                throttle.Duration("lockout", d.Lockout, TimeSpan.Zero),
                throttle.Duration("max-lockout", d.MaxLockout, TimeSpan.Zero)),
            r.Duration("auth-cache-ttl", TimeSpan.FromMinutes(5), TimeSpan.Zero),
            SmtpSettings.Read(r.Child("smtp")),
            Pop3Settings.Read(r.Child("pop3")),
            MailboxSettings.Read(r.Child("mailbox")),
            IncomingMailSettings.Read(r.Child("incoming")));
    }

    private static IReadOnlyList<ListenerSettings> ReadListeners(ConfigReader r, int defaultPort)
    {
        if (!r.Has("listen"))
        {
            r.Consume("listen");
            return new[] { new ListenerSettings("127.0.0.1", defaultPort, TlsMode.None) };
        }
        return r.Objects("listen")
            .Select(l => new ListenerSettings(l.String("host", "127.0.0.1"), l.Port("port", defaultPort, allowZero: true), l.Enum("tls", TlsMode.None)))
            .ToArray();
    }
}
