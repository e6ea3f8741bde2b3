using System.Net;
using Gateway.Configuration;
using Gateway.Mail;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Mail;

public class MailSecurityTests
{
    [Theory]
    [InlineData(PlaintextAuth.Loopback, "127.0.0.1", false, true)]
    [InlineData(PlaintextAuth.Loopback, "::1", false, true)]
    [InlineData(PlaintextAuth.Loopback, "::ffff:127.0.0.1", false, true)]
    [InlineData(PlaintextAuth.Loopback, "192.0.2.1", false, false)]
    [InlineData(PlaintextAuth.Loopback, "192.0.2.1", true, true)]
    [InlineData(PlaintextAuth.Never, "127.0.0.1", false, false)]
    [InlineData(PlaintextAuth.Never, "127.0.0.1", true, true)]
    [InlineData(PlaintextAuth.Always, "192.0.2.1", false, true)]
    public void Passwords_travel_in_clear_only_where_the_policy_allows(PlaintextAuth policy, string remote, bool tls, bool allowed) =>
        Assert.Equal(allowed, MailSecurity.AllowsPasswordLogin(policy, IPAddress.Parse(remote), tls));

    [Fact]
    public void The_configured_PKCS12_certificate_loads_with_its_private_key()
    {
        var path = TestCertificates.CreatePkcs12("pw");
        using var cert = MailSecurity.LoadCertificate(new TlsSettings(path, "pw"));
        Assert.NotNull(cert);
        Assert.True(cert!.HasPrivateKey);
        Assert.Null(MailSecurity.LoadCertificate(new TlsSettings("", "")));
    }
}
