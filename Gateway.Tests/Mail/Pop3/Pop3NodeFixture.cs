using System.Net;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Mail.Pop3;

/// <summary>
/// One gateway node for the POP3 client tests: listeners plain (0), STLS (1) and implicit TLS (2)
/// on port 0 with a certificate the test made, users u1..u40 (password "uN-pw"). Each test uses
/// its own users, so tests do not see each other's mail.
/// </summary>
public sealed class Pop3NodeFixture : IAsyncLifetime
{
    public GatewayNode Node { get; private set; } = null!;

    public string CertificatePath { get; } = TestCertificates.CreatePkcs12();

    public IPEndPoint Plain => Node.Pop3(0);

    public IPEndPoint StartTls => Node.Pop3(1);

    public IPEndPoint ImplicitTls => Node.Pop3(2);

    public async Task InitializeAsync()
    {
        var settings = TestSettings.Gateway($$"""
            gateway.log.level = warning
            gateway.mail {
              pop3.listen = [
                { host = "127.0.0.1", port = 0, tls = none }
                { host = "127.0.0.1", port = 0, tls = starttls }
                { host = "127.0.0.1", port = 0, tls = implicit }
              ]
              tls { certificate = "{{CertificatePath}}", password = "test-password" }
              # every test connects from 127.0.0.1: wrong passwords in some tests must not lock out the others
              login-throttle { max-failures = 1000 }
            }
            """, extraUsers: Enumerable.Range(1, 40).Select(i => $"u{i}"));
        Node = await GatewayNode.StartAsync(settings);
    }

    public async Task DisposeAsync() => await Node.DisposeAsync();
}
