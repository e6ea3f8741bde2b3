using System.Net;
using System.Security.Cryptography.X509Certificates;
using Gateway.Configuration;

namespace Gateway.Mail;

/// <summary>Security rules shared by the SMTP and POP3 listeners.</summary>
public static class MailSecurity
{
    /// <summary>
    /// Whether a password may be sent on this connection: always over TLS; without TLS only as
    /// <c>mail.allow-plaintext-auth</c> permits (<c>loopback</c>: only from 127.0.0.0/8 and ::1).
    /// </summary>
    public static bool AllowsPasswordLogin(PlaintextAuth policy, IPAddress? remote, bool connectionIsSecure) =>
        connectionIsSecure || policy switch
        {
            PlaintextAuth.Always => true,
            PlaintextAuth.Loopback => remote is not null && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote),
            _ => false,
        };

    /// <summary>Loads the PKCS#12 file named in <c>mail.tls</c>, or null when no TLS is configured.</summary>
    public static X509Certificate2? LoadCertificate(TlsSettings tls) =>
        tls.Configured
            ? X509CertificateLoader.LoadPkcs12FromFile(tls.Certificate, tls.Password.Length == 0 ? null : tls.Password)
            : null;
}
