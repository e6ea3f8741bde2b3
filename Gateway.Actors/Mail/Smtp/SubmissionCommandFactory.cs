using SmtpServer;
using SmtpServer.Protocol;

namespace Gateway.Mail.Smtp;

/// <summary>
/// SmtpServer's command factory with one change: EHLO lists <c>AUTH PLAIN LOGIN</c> only where a
/// password may be sent on this connection (TLS, or plain text as <c>allow-plaintext-auth</c>
/// permits for the client's address). The library can only decide that per listener, but the
/// <c>loopback</c> policy depends on the client.
/// </summary>
public sealed class SubmissionCommandFactory(Func<ISessionContext, bool> passwordLoginAllowed) : SmtpCommandFactory
{
    public override SmtpCommand CreateEhlo(string domainOrAddress) => new SubmissionEhlo(domainOrAddress, passwordLoginAllowed);

    private sealed class SubmissionEhlo(string domainOrAddress, Func<ISessionContext, bool> passwordLoginAllowed) : EhloCommand(domainOrAddress)
    {
        protected override string GetGreeting(ISessionContext context) => $"{context.ServerOptions.ServerName} greets {DomainOrAddress}";

        protected override IEnumerable<string> GetExtensions(ISessionContext context)
        {
            var allowed = passwordLoginAllowed(context);
            return base.GetExtensions(context).Where(e => allowed || !e.StartsWith("AUTH", StringComparison.Ordinal)).ToList();
        }
    }
}
