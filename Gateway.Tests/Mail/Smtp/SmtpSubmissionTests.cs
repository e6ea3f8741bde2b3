using System.Security.Cryptography.X509Certificates;
using Akka.TestKit.Xunit2;
using Gateway.Mail.Smtp;
using Gateway.Mailbox;
using Gateway.Sms;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Xunit;

namespace Gateway.Tests.Mail.Smtp;

/// <summary>
/// SMTP submission driven by a real client (MailKit's SmtpClient) over loopback: plain, STARTTLS
/// and implicit TLS, AUTH, the envelope rules, SIZE, and the rule that 250 comes only after the
/// mailbox confirmed the jobs.
/// </summary>
public sealed class SmtpSubmissionTests : TestKit, IAsyncLifetime
{
    private SmtpTestServer _smtp = null!;
    private readonly Akka.TestKit.TestProbe _submissions;

    public SmtpSubmissionTests() => _submissions = CreateTestProbe();

    public Task InitializeAsync() => Start(StandInMailbox.Answer.Accept);

    public async Task DisposeAsync() => await _smtp.DisposeAsync();

    private async Task Start(StandInMailbox.Answer answer, string overrides = "")
    {
        if (_smtp is not null) await _smtp.DisposeAsync();
        var mailbox = Sys.ActorOf(StandInMailbox.Props(answer, _submissions.Ref));
        _smtp = SmtpTestServer.Start(Sys, mailbox, overrides);
    }

    private static MimeMessage Mail(string text, params string[] to)
    {
        var m = new MimeMessage();
        m.From.Add(MailboxAddress.Parse(SmtpTestServer.Alice));
        foreach (var t in to) m.To.Add(MailboxAddress.Parse(t));
        m.Subject = "Hello";
        m.Body = new TextPart("plain") { Text = text };
        return m;
    }

    private SmtpClient Client()
    {
        var server = X509CertificateLoader.LoadPkcs12FromFile(SmtpTestServer.CertificatePath, "test-password");
        // Trust exactly the certificate the test made, nothing else.
        return new SmtpClient { ServerCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == server.Thumbprint, Timeout = 20_000 };
    }

    private async Task<SmtpClient> Connected(int port, SecureSocketOptions security, bool login = true)
    {
        var client = Client();
        await client.ConnectAsync("127.0.0.1", port, security);
        if (login) await client.AuthenticateAsync(SmtpTestServer.Alice, SmtpTestServer.AlicePassword);
        return client;
    }

    [Fact]
    public async Task A_mail_over_plain_loopback_is_answered_250_naming_the_job_the_mailbox_confirmed()
    {
        using var client = await Connected(_smtp.PlainPort, SecureSocketOptions.None);
        var reply = await client.SendAsync(Mail("See you at 10.", "+420777123456@sms.example.net"));

        var submitted = _submissions.ExpectMsg<SubmitOutgoing>();
        var job = Assert.Single(submitted.Jobs);
        Assert.Equal("alice", submitted.User);
        Assert.Equal("alice", job.User);
        Assert.Equal("+420777123456", job.Destination);
        Assert.Equal("See you at 10.", job.Text);
        Assert.Equal(SmsCoding.Gsm7, job.Coding);
        Assert.Equal(1, job.Parts);
        Assert.Equal("Hello", job.Subject);
        Assert.True(JobIds.IsWellFormed(job.JobId));
        Assert.Contains(job.JobId, reply);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Starttls_upgrades_the_connection_and_only_then_offers_auth_when_plaintext_auth_is_never_allowed()
    {
        await Start(StandInMailbox.Answer.Accept, "gateway.mail.allow-plaintext-auth = never");
        using var client = Client();
        await client.ConnectAsync("127.0.0.1", _smtp.StartTlsPort, SecureSocketOptions.None);
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.StartTLS));
        Assert.False(client.Capabilities.HasFlag(SmtpCapabilities.Authentication));
        await client.DisconnectAsync(true);

        using var secure = await Connected(_smtp.StartTlsPort, SecureSocketOptions.StartTls);
        Assert.True(secure.IsSecure);
        var reply = await secure.SendAsync(Mail("over STARTTLS", "+420777123456@sms.example.net"));
        Assert.Contains(_submissions.ExpectMsg<SubmitOutgoing>().Jobs[0].JobId, reply);
    }

    [Fact]
    public async Task Implicit_tls_from_the_first_byte_works()
    {
        using var client = await Connected(_smtp.ImplicitTlsPort, SecureSocketOptions.SslOnConnect);
        Assert.True(client.IsSecure);
        var reply = await client.SendAsync(Mail("over TLS", "+420777123456@sms.example.net"));
        Assert.Contains(_submissions.ExpectMsg<SubmitOutgoing>().Jobs[0].JobId, reply);
    }

    [Fact]
    public async Task Several_recipients_make_one_job_each_and_the_reply_names_them_all()
    {
        using var client = await Connected(_smtp.PlainPort, SecureSocketOptions.None);
        var reply = await client.SendAsync(Mail("To all", "+420777000001@sms.example.net", "777000002@sms.example.net", "00420777000003@sms.example.net"));
        var submitted = _submissions.ExpectMsg<SubmitOutgoing>();
        Assert.Equal(["+420777000001", "+420777000002", "+420777000003"], submitted.Jobs.Select(j => j.Destination));
        Assert.Equal(3, submitted.Jobs.Select(j => j.JobId).Distinct().Count());
        Assert.All(submitted.Jobs, j => Assert.Contains(j.JobId, reply));
    }

    [Fact]
    public async Task The_same_number_written_twice_is_one_job()
    {
        using var client = await Connected(_smtp.PlainPort, SecureSocketOptions.None);
        await client.SendAsync(Mail("once", "+420777000001@sms.example.net", "777000001@sms.example.net"));
        Assert.Single(_submissions.ExpectMsg<SubmitOutgoing>().Jobs);
    }

    [Fact]
    public async Task More_recipients_than_allowed_are_refused_with_452()
    {
        using var client = await Connected(_smtp.PlainPort, SecureSocketOptions.None);
        var e = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(
            Mail("many", "+420777000001@sms.example.net", "+420777000002@sms.example.net", "+420777000003@sms.example.net", "+420777000004@sms.example.net")));
        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, e.ErrorCode);
        Assert.Equal(452, (int)e.StatusCode);
        Assert.Contains("at most 3", e.Message);
        _submissions.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Mail_without_auth_is_refused_with_530_no_open_relay()
    {
        using var client = await Connected(_smtp.PlainPort, SecureSocketOptions.None, login: false);
        // MailKit turns the 530 reply into this exception (raw-socket tests see the 530 itself).
        var e = await Assert.ThrowsAsync<MailKit.ServiceNotAuthenticatedException>(() => client.SendAsync(Mail("hi", "+420777123456@sms.example.net")));
        Assert.Contains("authentication required", e.Message);
        _submissions.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_535()
    {
        using var client = Client();
        await client.ConnectAsync("127.0.0.1", _smtp.PlainPort, SecureSocketOptions.None);
        var e = await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(SmtpTestServer.Alice, "wrong"));
        Assert.Contains("535", e.Message + (e.InnerException?.Message ?? ""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_short_name_logs_in_too()
    {
        using var client = Client();
        await client.ConnectAsync("127.0.0.1", _smtp.PlainPort, SecureSocketOptions.None);
        await client.AuthenticateAsync("alice", SmtpTestServer.AlicePassword);
        await client.SendAsync(Mail("short name", "+420777123456@sms.example.net"));
        Assert.Equal("alice", _submissions.ExpectMsg<SubmitOutgoing>().User);
    }

    [Fact]
    public async Task Sending_as_another_user_is_refused_with_553()
    {
        using var client = await Connected(_smtp.PlainPort, SecureSocketOptions.None);
        var mail = Mail("spoof", "+420777123456@sms.example.net");
        var e = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            client.SendAsync(mail, MailboxAddress.Parse("bob@sms.example.net"), [MailboxAddress.Parse("+420777123456@sms.example.net")]));
        Assert.Equal(SmtpErrorCode.SenderNotAccepted, e.ErrorCode);
        Assert.Equal(553, (int)e.StatusCode);
        Assert.Contains("must be your own address <alice@sms.example.net>", e.Message);
    }

    [Theory]
    [InlineData("bob@example.com", 550, "relay denied")]
    [InlineData("hello@sms.example.net", 553, "is not a phone number")]
    [InlineData("+42077@sms.example.net", 553, "too short")]
    public async Task A_recipient_that_is_not_an_sms_address_is_refused_saying_why(string to, int code, string why)
    {
        using var client = await Connected(_smtp.PlainPort, SecureSocketOptions.None);
        var e = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Mail("x", to)));
        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, e.ErrorCode);
        Assert.Equal(code, (int)e.StatusCode);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public async Task Size_is_advertised_and_a_bigger_message_is_refused_with_552()
    {
        using var client = await Connected(_smtp.PlainPort, SecureSocketOptions.None);
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Size));
        Assert.Equal(64u * 1024, client.MaxSize);
        var e = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Mail(new string('x', 70_000), "+420777123456@sms.example.net")));
        Assert.Equal(552, (int)e.StatusCode);
        _submissions.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_text_too_long_for_max_parts_is_refused_with_554_naming_the_parts()
    {
        using var client = await Connected(_smtp.PlainPort, SecureSocketOptions.None);
        var e = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Mail(new string('x', 153 * 7), "+420777123456@sms.example.net")));
        Assert.Equal(554, (int)e.StatusCode);
        Assert.Contains("too long for SMS", e.Message);
        Assert.Contains("7 SMS parts", e.Message);
        _submissions.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task With_oversize_truncate_a_long_text_is_cut_and_the_cut_is_in_the_job()
    {
        await Start(StandInMailbox.Answer.Accept, "gateway.sms.oversize = truncate");
        using var client = await Connected(_smtp.PlainPort, SecureSocketOptions.None);
        await client.SendAsync(Mail(new string('x', 153 * 7), "+420777123456@sms.example.net"));
        var job = _submissions.ExpectMsg<SubmitOutgoing>().Jobs[0];
        Assert.Equal(6, job.Parts);
        Assert.Equal(153 * 6, job.Text.Length);
        Assert.Contains(job.Notes, n => n.StartsWith("text cut to fit 6 SMS"));
    }

    [Fact]
    public async Task When_the_mailbox_refuses_the_client_gets_451_and_never_250()
    {
        await Start(StandInMailbox.Answer.Refuse);
        using var client = await Connected(_smtp.PlainPort, SecureSocketOptions.None);
        var e = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Mail("x", "+420777123456@sms.example.net")));
        Assert.Equal(451, (int)e.StatusCode);
        Assert.Contains("journal write failed", e.Message);
        _submissions.ExpectMsg<SubmitOutgoing>();
    }

    [Fact]
    public async Task When_the_mailbox_does_not_answer_within_the_store_timeout_the_client_gets_451()
    {
        await Start(StandInMailbox.Answer.Never, "gateway.mail.smtp.store-timeout = 300ms");
        using var client = await Connected(_smtp.PlainPort, SecureSocketOptions.None);
        var e = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Mail("x", "+420777123456@sms.example.net")));
        Assert.Equal(451, (int)e.StatusCode);
        Assert.Contains("could not be stored", e.Message);
        _submissions.ExpectMsg<SubmitOutgoing>();

        // The session is usable again afterwards.
        await Start(StandInMailbox.Answer.Accept);
        using var again = await Connected(_smtp.PlainPort, SecureSocketOptions.None);
        await again.SendAsync(Mail("y", "+420777123456@sms.example.net"));
    }

    [Fact]
    public async Task Several_mails_on_one_connection_each_get_their_own_jobs()
    {
        using var client = await Connected(_smtp.PlainPort, SecureSocketOptions.None);
        var first = await client.SendAsync(Mail("one", "+420777000001@sms.example.net"));
        var second = await client.SendAsync(Mail("two", "+420777000002@sms.example.net"));
        var a = _submissions.ExpectMsg<SubmitOutgoing>();
        var b = _submissions.ExpectMsg<SubmitOutgoing>();
        Assert.Equal("one", a.Jobs[0].Text);
        Assert.Equal("two", b.Jobs[0].Text);
        Assert.Contains(a.Jobs[0].JobId, first);
        Assert.Contains(b.Jobs[0].JobId, second);
        Assert.NotEqual(a.SubmissionId, b.SubmissionId);
    }

    [Fact]
    public async Task Attachments_are_ignored_and_said_so_in_the_job()
    {
        using var client = await Connected(_smtp.PlainPort, SecureSocketOptions.None);
        var builder = new BodyBuilder { TextBody = "Report attached." };
        builder.Attachments.Add("report.pdf", new byte[] { 0x25, 0x50, 0x44, 0x46 }, new ContentType("application", "pdf"));
        var mail = Mail("", "+420777123456@sms.example.net");
        mail.Body = builder.ToMessageBody();
        await client.SendAsync(mail);
        var job = _submissions.ExpectMsg<SubmitOutgoing>().Jobs[0];
        Assert.Equal("Report attached.", job.Text);
        Assert.Contains("attachment ignored: report.pdf (application/pdf)", job.Notes);
    }

    [Fact]
    public async Task A_listener_that_cannot_bind_keeps_the_server_from_starting_and_names_the_address()
    {
        await _smtp.DisposeAsync();
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var e = Assert.Throws<InvalidOperationException>(() => SmtpTestServer.Start(Sys, TestActor,
            $"gateway.mail.smtp.listen = [ {{ host = \"127.0.0.1\", port = {port}, tls = none }} ]"));
        Assert.Contains($"127.0.0.1:{port} could not bind", e.Message);
    }

    [Fact]
    public async Task Each_accepted_mail_is_logged_with_user_recipients_and_job_ids()
    {
        using var client = await Connected(_smtp.PlainPort, SecureSocketOptions.None);
        string reply = "";
        await EventFilter.Info(contains: "accepted mail from alice to +420777000001, +420777000002: jobs ").ExpectOneAsync(async () =>
            reply = await client.SendAsync(Mail("log me", "+420777000001@sms.example.net", "+420777000002@sms.example.net")));
        var jobs = _submissions.ExpectMsg<SubmitOutgoing>().Jobs;
        Assert.All(jobs, j => Assert.Contains(j.JobId, reply));
    }

    [Fact]
    public async Task Refusals_are_logged_with_their_reason()
    {
        using var client = await Connected(_smtp.PlainPort, SecureSocketOptions.None);
        await EventFilter.Info(contains: "refused recipient of alice: 550 5.7.1 relay denied").ExpectOneAsync(async () =>
            await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Mail("x", "bob@example.com"))));

        using var anonymous = await Connected(_smtp.PlainPort, SecureSocketOptions.None, login: false);
        await EventFilter.Info(contains: "refused MAIL FROM:<alice@sms.example.net> before AUTH (530)").ExpectOneAsync(async () =>
            await Assert.ThrowsAsync<MailKit.ServiceNotAuthenticatedException>(() => anonymous.SendAsync(Mail("x", "+420777123456@sms.example.net"))));
    }
}
