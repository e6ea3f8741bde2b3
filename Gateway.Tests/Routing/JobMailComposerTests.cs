using System.Text;
using Gateway.Configuration;
using Gateway.Routing;
using Gateway.Tests.Support;
using MimeKit;
using Xunit;

namespace Gateway.Tests.Routing;

/// <summary>Bounces and delivery notices as e-mails, and who gets which.</summary>
public class JobMailComposerTests
{
    private static readonly GatewaySettings Settings = TestSettings.Gateway();
    private static readonly DateTimeOffset At = new(2026, 11, 23, 12, 0, 5, TimeSpan.FromHours(1));

    private static MimeMessage Parse(System.Collections.Immutable.ImmutableArray<byte> bytes) =>
        MimeMessage.Load(new MemoryStream(bytes.ToArray()));

    [Theory]
    [InlineData(NotifyMode.None, JobMailKind.Bounce, true)]
    [InlineData(NotifyMode.None, JobMailKind.NotDelivered, false)]
    [InlineData(NotifyMode.Failures, JobMailKind.NotDelivered, true)]
    [InlineData(NotifyMode.Failures, JobMailKind.Delivered, false)]
    [InlineData(NotifyMode.Failures, JobMailKind.Sent, false)]
    [InlineData(NotifyMode.All, JobMailKind.Delivered, true)]
    [InlineData(NotifyMode.All, JobMailKind.Sent, true)]
    public void Bounces_always_go_and_notices_follow_the_users_notify_setting(NotifyMode notify, JobMailKind kind, bool wanted) =>
        Assert.Equal(wanted, JobMailComposer.Wants(notify, kind));

    [Fact]
    public void A_bounce_says_which_number_why_and_quotes_the_original_text_threaded_with_the_users_mail()
    {
        var facts = new JobMailFacts("20261123-abc", "+420777123456", null, "gave up after 5 attempt(s); the last: gsm-1: no network", At,
            "Příliš žluťoučký kůň\nsecond line", At.AddMinutes(-3), "orig-123@client.example", "Dinner");
        var bytes = JobMailComposer.Compose(JobMailKind.Bounce, facts, Settings.Users["alice"], Settings.Routing.Notifications, "sms.example.net");
        var raw = Encoding.UTF8.GetString(bytes.AsSpan());
        Assert.DoesNotContain("\n", raw.Replace("\r\n", ""));

        var mail = Parse(bytes);
        Assert.Equal("mailer-daemon@sms.example.net", mail.From.Mailboxes.Single().Address);
        Assert.Equal("alice@sms.example.net", mail.To.Mailboxes.Single().Address);
        Assert.Equal("SMS to +420777123456 not sent", mail.Subject);
        Assert.Equal("orig-123@client.example", mail.InReplyTo);
        Assert.Equal("auto-replied", mail.Headers["Auto-Submitted"]);
        Assert.Equal("20261123-abc", mail.Headers["X-Gateway-Job"]);
        Assert.Equal("bounce", mail.Headers["X-Gateway-Notice"]);
        var body = mail.TextBody;
        Assert.Contains("Your SMS to +420777123456 could not be sent.", body);
        Assert.Contains("Why:      gave up after 5 attempt(s); the last: gsm-1: no network", body);
        Assert.Contains("Subject:  Dinner", body);
        Assert.Contains("Příliš žluťoučký kůň\r\nsecond line", body.ReplaceLineEndings("\r\n"));
    }

    [Fact]
    public void Notices_use_the_configured_sender_and_subjects_with_their_placeholders()
    {
        var notifications = Settings.Routing.Notifications with { From = "sms-robot@example.org", DeliveredSubject = "[{module}] {number} got job {job}" };
        var facts = new JobMailFacts("j1", "+420777123456", "gsm-2", "delivered 2026-11-23 12:00:05 +01:00", At, "Ahoj");
        var mail = Parse(JobMailComposer.Compose(JobMailKind.Delivered, facts, Settings.Users["bob"], notifications, "sms.example.net"));
        Assert.Equal("sms-robot@example.org", mail.From.Mailboxes.Single().Address);
        Assert.Equal("[gsm-2] +420777123456 got job j1", mail.Subject);
        Assert.Contains("Your SMS to +420777123456 was delivered.", mail.TextBody);
        Assert.Contains("The SMS began:", mail.TextBody);
    }

    [Fact]
    public void One_mail_of_each_kind_per_job_so_a_retry_is_stored_once()
    {
        Assert.Equal("bounce:j1", JobMailComposer.DeliveryId(JobMailKind.Bounce, "j1"));
        Assert.NotEqual(JobMailComposer.DeliveryId(JobMailKind.Delivered, "j1"), JobMailComposer.DeliveryId(JobMailKind.NotDelivered, "j1"));
        var facts = new JobMailFacts("j1", "+420777123456", null, "x", At, "t");
        var a = JobMailComposer.Compose(JobMailKind.Bounce, facts, Settings.Users["alice"], Settings.Routing.Notifications, "sms.example.net");
        var b = JobMailComposer.Compose(JobMailKind.Bounce, facts, Settings.Users["alice"], Settings.Routing.Notifications, "sms.example.net");
        Assert.Equal(Parse(a).MessageId, Parse(b).MessageId);
    }
}
