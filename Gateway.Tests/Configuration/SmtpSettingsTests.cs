using Akka.Configuration;
using Gateway.Configuration;
using Xunit;

namespace Gateway.Tests.Configuration;

/// <summary>The keys SMTP submission added: <c>mail.smtp.*</c> and the text keys under <c>sms</c>.</summary>
public class SmtpSettingsTests
{
    private static SettingsResult Load(string hocon) => GatewaySettings.Load(ConfigurationFactory.ParseString($"gateway {{ {hocon} }}"));

    [Fact]
    public void Without_the_keys_the_documented_defaults_apply()
    {
        var s = Load("").Settings!;
        var smtp = s.Mail.Smtp;
        Assert.Equal(100, smtp.MaxConnections);
        Assert.Equal(20, smtp.MaxRecipients);
        Assert.Equal(8 * 1024, smtp.MaxLineLength);
        Assert.Equal(10, smtp.MaxErrors);
        Assert.Equal(3, smtp.MaxAuthAttempts);
        Assert.Equal(TimeSpan.FromMinutes(5), smtp.CommandTimeout);
        Assert.Equal(TimeSpan.FromMinutes(30), smtp.SessionTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), smtp.StoreTimeout);
        Assert.Equal(System.Net.Dns.GetHostName(), smtp.ServerName);
        Assert.True(s.Sms.StripQuotes);
        Assert.True(s.Sms.StripSignature);
        Assert.Equal(OversizeHandling.Refuse, s.Sms.Oversize);
        Assert.Equal([new ListenerSettings("127.0.0.1", 2525, TlsMode.None)], s.Mail.SmtpListen);
    }

    [Fact]
    public void The_keys_are_read()
    {
        var s = Load("""
            mail.smtp { listen = [ { host = "127.0.0.1", port = 0 } ], server-name = "gw.example", max-connections = 5, max-recipients = 2,
                        max-line-length = 2k, max-errors = 4, max-auth-attempts = 1, command-timeout = 30s, session-timeout = 2m, store-timeout = 500ms }
            sms { strip-quotes = off, strip-signature = off, oversize = truncate }
            """).Settings!;
        Assert.Equal(new SmtpSettings("gw.example", 5, 2, 2048, 4, 1, TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMilliseconds(500)), s.Mail.Smtp);
        Assert.Equal(0, s.Mail.SmtpListen[0].Port);
        Assert.False(s.Sms.StripQuotes);
        Assert.False(s.Sms.StripSignature);
        Assert.Equal(OversizeHandling.Truncate, s.Sms.Oversize);
    }

    [Fact]
    public void Bad_values_are_reported_with_their_key()
    {
        var errors = Load("""
            mail.smtp { max-connections = 0, max-line-length = 100, store-timeout = soon, server-name = "two words" }
            sms.oversize = shorten
            """).Errors.Select(e => e.Path).ToList();
        Assert.Contains("gateway.mail.smtp.max-connections", errors);
        Assert.Contains("gateway.mail.smtp.max-line-length", errors);
        Assert.Contains("gateway.mail.smtp.store-timeout", errors);
        Assert.Contains("gateway.mail.smtp.server-name", errors);
        Assert.Contains("gateway.sms.oversize", errors);
    }

    [Fact]
    public void A_misspelt_smtp_key_is_an_error() =>
        Assert.Contains(Load("mail.smtp.max-recipient = 3").Errors, e => e.Path == "gateway.mail.smtp.max-recipient");

    [Theory]
    [InlineData("", JobConsumerKind.Router)]
    [InlineData("routing.job-consumer = log", JobConsumerKind.Log)]
    [InlineData("routing.job-consumer = sink", JobConsumerKind.Sink)]
    public void The_job_consumer_is_the_SMS_router_unless_the_node_only_logs_jobs_or_a_benchmark_asks_for_the_sink(string hocon, JobConsumerKind expected) =>
        Assert.Equal(expected, Load(hocon).Settings!.Routing.JobConsumer);
}
