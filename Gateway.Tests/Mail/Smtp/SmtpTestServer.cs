using System.Net;
using Akka.Actor;
using Akka.Configuration;
using Gateway.Accounts;
using Gateway.Configuration;
using Gateway.Mail.Smtp;
using Gateway.Mailbox;
using Gateway.Tests.Support;

namespace Gateway.Tests.Mail.Smtp;

/// <summary>
/// A real <see cref="SmtpSubmissionServer"/> on loopback (three listeners on free ports: plain,
/// STARTTLS, implicit TLS, with a self-signed certificate made here), in the test's actor
/// system, submitting to <see cref="StandInMailbox"/>. For the SMTP session's own protocol tests;
/// the end-to-end tests run the real host with the real mailbox.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    public const string AlicePassword = "alice-secret";
    public const string Alice = "alice@sms.example.net";
    public const string Domain = "sms.example.net";

    private static readonly Lazy<string> Certificate = new(() => TestCertificates.CreatePkcs12());
    private static readonly Lazy<string> AliceHash = new(() => PasswordHasher.Hash(AlicePassword, 1000));
    private static readonly Lazy<string> BobHash = new(() => PasswordHasher.Hash("bob-secret", 1000));

    private SmtpTestServer(SmtpSubmissionServer server, GatewaySettings settings)
    {
        Server = server;
        Settings = settings;
    }

    public SmtpSubmissionServer Server { get; }

    public GatewaySettings Settings { get; }

    public static string CertificatePath => Certificate.Value;

    public int PlainPort => Port(TlsMode.None);

    public int StartTlsPort => Port(TlsMode.Starttls);

    public int ImplicitTlsPort => Port(TlsMode.Implicit);

    public IPEndPoint Plain => new(IPAddress.Loopback, PlainPort);

    private int Port(TlsMode tls) => Server.Endpoints.First(e => e.Listener.Tls == tls).Bound.Port;

    /// <summary>Settings as the tests use them; <paramref name="overrides"/> is HOCON that wins over the defaults here.</summary>
    public static GatewaySettings SettingsWith(string overrides = "")
    {
        var baseConfig = $$"""
            gateway {
              mail {
                domain = "{{Domain}}"
                smtp.listen = [
                  { host = "127.0.0.1", port = 0, tls = none }
                  { host = "127.0.0.1", port = 0, tls = starttls }
                  { host = "127.0.0.1", port = 0, tls = implicit }
                ]
                tls { certificate = "{{Certificate.Value}}", password = "test-password" }
                allow-plaintext-auth = loopback
                max-message-size = 64k
                smtp { server-name = "gw.test", store-timeout = 10s, max-recipients = 3, max-connections = 20, command-timeout = 10s }
                login-throttle { max-failures = 100 }
              }
              users {
                alice { address = "{{Alice}}", password-hash = "{{AliceHash.Value}}", sms-groups = [operator-a] }
                bob { address = "bob@sms.example.net", password-hash = "{{BobHash.Value}}", sms-groups = [operator-a] }
              }
              sms-groups { operator-a { selection = least-busy } }
              modules { }
            }
            """;
        var config = ConfigurationFactory.ParseString(overrides).WithFallback(ConfigurationFactory.ParseString(baseConfig));
        var result = GatewaySettings.Load(config);
        if (!result.IsValid) throw new InvalidOperationException(string.Join("\n", result.Errors));
        return result.Settings!;
    }

    public static SmtpTestServer Start(ActorSystem system, IActorRef mailbox, string overrides = "", IOutgoingPermissions? permissions = null)
    {
        var settings = SettingsWith(overrides);
        var server = SmtpSubmissionServer.Start(system, settings, AccountDirectory.FromSettings(settings), mailbox,
            permissions ?? AllowEveryDestination.Instance);
        return new SmtpTestServer(server, settings);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// Stands in for the mailbox shard region in the SMTP session tests (the real mailbox is another
/// engineer's part and is used by the end-to-end tests): tells <c>observer</c> every
/// <see cref="SubmitOutgoing"/>, then accepts it, refuses it, or never answers.
/// </summary>
public sealed class StandInMailbox : ReceiveActor
{
    public enum Answer { Accept, Refuse, Never }

    public StandInMailbox(Answer answer, IActorRef observer)
    {
        Receive<SubmitOutgoing>(m =>
        {
            observer.Tell(m);
            if (answer == Answer.Accept) Sender.Tell(new OutgoingAccepted(m.SubmissionId, m.Jobs.Select(j => j.JobId).ToList()));
            else if (answer == Answer.Refuse) Sender.Tell(new OutgoingRefused(m.SubmissionId, "journal write failed"));
        });
    }

    public static Props Props(Answer answer, IActorRef observer) => Akka.Actor.Props.Create(() => new StandInMailbox(answer, observer));
}
