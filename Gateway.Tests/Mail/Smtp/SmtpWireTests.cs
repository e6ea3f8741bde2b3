using Akka.TestKit.Xunit2;
using Gateway.Mailbox;
using Xunit;

namespace Gateway.Tests.Mail.Smtp;

/// <summary>
/// The SMTP listener fed exact bytes by <see cref="RawSmtpClient"/>: malformed, pipelined and
/// over-long input, junk, clients that vanish or idle, and the connection cap. Whatever comes in,
/// the client gets a clear reply or the connection is closed, and the server keeps serving.
/// </summary>
public sealed class SmtpWireTests : TestKit, IAsyncLifetime
{
    private SmtpTestServer _smtp = null!;
    private readonly Akka.TestKit.TestProbe _submissions;
    private static readonly string AuthPlain = RawSmtpClient.PlainAuth(SmtpTestServer.Alice, SmtpTestServer.AlicePassword);

    public SmtpWireTests() => _submissions = CreateTestProbe();

    public Task InitializeAsync() => Start();

    public async Task DisposeAsync() => await _smtp.DisposeAsync();

    private async Task Start(string overrides = "")
    {
        if (_smtp is not null) await _smtp.DisposeAsync();
        _smtp = SmtpTestServer.Start(Sys, Sys.ActorOf(StandInMailbox.Props(StandInMailbox.Answer.Accept, _submissions.Ref)), overrides);
    }

    private async Task<RawSmtpClient> Greeted()
    {
        var c = await RawSmtpClient.ConnectAsync(_smtp.Plain);
        Assert.StartsWith("220 gw.test ", await c.ReadReplyAsync());
        return c;
    }

    private async Task<RawSmtpClient> LoggedIn()
    {
        var c = await Greeted();
        await c.SendAsync("EHLO client.test\r\n");
        Assert.StartsWith("250", await c.ReadReplyAsync());
        await c.SendAsync($"AUTH PLAIN {AuthPlain}\r\n");
        Assert.StartsWith("235", await c.ReadReplyAsync());
        return c;
    }

    /// <summary>The server still serves a whole mail on a fresh connection.</summary>
    private async Task StillServes()
    {
        await using var c = await LoggedIn();
        await c.SendAsync("MAIL FROM:<alice@sms.example.net>\r\nRCPT TO:<+420777123456@sms.example.net>\r\nDATA\r\n");
        Assert.StartsWith("250", await c.ReadReplyAsync());
        Assert.StartsWith("250", await c.ReadReplyAsync());
        Assert.StartsWith("354", await c.ReadReplyAsync());
        await c.SendAsync("Subject: still here\r\n\r\nstill serving\r\n.\r\n");
        Assert.StartsWith("250 2.0.0 queued", await c.ReadReplyAsync());
        Assert.Equal("still serving", _submissions.ExpectMsg<SubmitOutgoing>().Jobs[0].Text);
    }

    [Fact]
    public async Task Unknown_commands_and_commands_out_of_order_get_errors_and_the_session_goes_on()
    {
        await using var c = await Greeted();
        await c.SendAsync("FROB the widget\r\n");
        Assert.StartsWith("502 Unrecognized command", await c.ReadReplyAsync());
        await c.SendAsync("MAIL FROM:<alice@sms.example.net>\r\n");
        Assert.Matches("^50[13] ", await c.ReadReplyAsync()); // before EHLO: bad sequence
        await c.SendAsync("EHLO client.test\r\n");
        var ehlo = await c.ReadReplyAsync();
        Assert.StartsWith("250-gw.test", ehlo);
        Assert.Contains("250-SIZE 65536", ehlo);
        await c.SendAsync("RCPT TO:<+420777123456@sms.example.net>\r\n");
        Assert.Matches("^50[13] ", await c.ReadReplyAsync()); // no MAIL yet
        await c.SendAsync("MAIL FROM:<alice@sms.example.net>\r\n");
        Assert.StartsWith("530 ", await c.ReadReplyAsync()); // not logged in: no relay
        await c.SendAsync("NOOP\r\n");
        Assert.StartsWith("250", await c.ReadReplyAsync());
    }

    [Fact]
    public async Task Too_many_errors_in_a_row_close_the_connection()
    {
        await Start("gateway.mail.smtp.max-errors = 3");
        await using var c = await Greeted();
        await c.SendAsync("XX\r\nYY\r\nZZ\r\n");
        var said = await c.ReadUntilClosedAsync();
        Assert.Equal(3, said.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("502 Unrecognized command")));
        await StillServes();
    }

    [Fact]
    public async Task An_over_long_command_line_is_refused_and_the_connection_closed()
    {
        await using var c = await Greeted();
        await c.SendAsync("EHLO " + new string('a', 20_000)); // no line end at all
        var said = await c.ReadUntilClosedAsync();
        Assert.Contains("500 5.5.2 line too long: the limit is 8192 bytes", said);
        await StillServes();
    }

    [Fact]
    public async Task An_over_long_line_inside_a_message_is_refused_and_the_connection_closed()
    {
        await using var c = await LoggedIn();
        await c.SendAsync("MAIL FROM:<alice@sms.example.net>\r\nRCPT TO:<+420777123456@sms.example.net>\r\nDATA\r\n");
        for (var i = 0; i < 3; i++) await c.ReadReplyAsync();
        await c.SendAsync("Subject: x\r\n\r\n" + new string('b', 9000) + "\r\n.\r\n");
        Assert.Contains("500 5.5.2 line too long", await c.ReadUntilClosedAsync());
        _submissions.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Binary_junk_gets_errors_or_a_closed_connection_and_the_server_goes_on()
    {
        var random = new Random(20261125);
        for (var round = 0; round < 5; round++)
        {
            await using var c = await Greeted();
            var junk = new byte[2000];
            random.NextBytes(junk);
            junk[500] = (byte)'\r';
            junk[501] = (byte)'\n';
            junk[1500] = 0;
            await c.SendAsync(junk);
            await c.SendAsync("\r\nQUIT\r\n");
            var said = await c.ReadUntilClosedAsync();
            Assert.All(said.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => Assert.Matches("^[2345][0-9][0-9] ", line));
        }
        await StillServes();
    }

    [Fact]
    public async Task Pipelined_commands_are_answered_in_order()
    {
        await using var c = await Greeted();
        await c.SendAsync("EHLO client.test\r\n"
                          + $"AUTH PLAIN {AuthPlain}\r\n"
                          + "MAIL FROM:<alice@sms.example.net>\r\n"
                          + "RCPT TO:<+420777000001@sms.example.net>\r\n"
                          + "RCPT TO:<not-a-number@sms.example.net>\r\n"
                          + "RCPT TO:<+420777000002@sms.example.net>\r\n"
                          + "DATA\r\n");
        Assert.Contains("PIPELINING", await c.ReadReplyAsync());
        Assert.StartsWith("235", await c.ReadReplyAsync());
        Assert.StartsWith("250", await c.ReadReplyAsync());
        Assert.StartsWith("250", await c.ReadReplyAsync());
        Assert.StartsWith("553 5.1.3 <not-a-number@sms.example.net> is not a phone number", await c.ReadReplyAsync());
        Assert.StartsWith("250", await c.ReadReplyAsync());
        Assert.StartsWith("354", await c.ReadReplyAsync());
        await c.SendAsync("Subject: pipelined\r\n\r\n..starts with a dot\r\n.\r\nQUIT\r\n");
        var queued = await c.ReadReplyAsync();
        Assert.StartsWith("250 2.0.0 queued as SMS jobs ", queued);
        Assert.StartsWith("221", await c.ReadReplyAsync());
        var submitted = _submissions.ExpectMsg<SubmitOutgoing>();
        Assert.Equal(["+420777000001", "+420777000002"], submitted.Jobs.Select(j => j.Destination));
        Assert.Equal(".starts with a dot", submitted.Jobs[0].Text);
        Assert.All(submitted.Jobs, j => Assert.Contains(j.JobId, queued));
    }

    [Fact]
    public async Task A_client_that_vanishes_mid_command_frees_its_connection_slot()
    {
        await Start("gateway.mail.smtp.max-connections = 1");
        var first = await LoggedIn();
        await first.SendAsync("MAIL FROM:<alice@sms.exa"); // no line end
        await first.DisposeAsync();

        // The only slot comes back once the server has noticed; until then a new client gets 421.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            await using var c = await RawSmtpClient.ConnectAsync(_smtp.Plain);
            var greeting = await c.ReadReplyAsync();
            if (greeting?.StartsWith("220") == true) break;
            Assert.StartsWith("421 4.7.0 too many connections", greeting);
            Assert.True(DateTime.UtcNow < deadline, "the vanished client's slot was never freed");
            await Task.Yield();
        }
    }

    [Fact]
    public async Task A_client_that_vanishes_mid_message_leaves_nothing_behind()
    {
        await Start("gateway.mail.smtp.max-connections = 1");
        var first = await LoggedIn();
        await first.SendAsync("MAIL FROM:<alice@sms.example.net>\r\nRCPT TO:<+420777123456@sms.example.net>\r\nDATA\r\n");
        for (var i = 0; i < 3; i++) await first.ReadReplyAsync();
        await first.SendAsync("Subject: half\r\n\r\nhalf a mess");
        await first.DisposeAsync();
        _submissions.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        await AwaitAssertAsync(async () =>
        {
            await using var c = await RawSmtpClient.ConnectAsync(_smtp.Plain);
            Assert.StartsWith("220", await c.ReadReplyAsync());
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task An_idle_client_is_disconnected_after_the_command_timeout()
    {
        await Start("gateway.mail.smtp.command-timeout = 300ms");
        await using var c = await Greeted();
        var said = await c.ReadUntilClosedAsync();
        Assert.Contains("Timeout while waiting for input", said);
    }

    [Fact]
    public async Task Connections_beyond_max_connections_get_421()
    {
        await Start("gateway.mail.smtp.max-connections = 2");
        await using var a = await Greeted();
        await using var b = await Greeted();
        await using var c = await RawSmtpClient.ConnectAsync(_smtp.Plain);
        Assert.StartsWith("421 4.7.0 too many connections", await c.ReadReplyAsync());
        Assert.Null(await c.ReadLineAsync());
    }

    [Fact]
    public async Task Auth_without_tls_is_refused_with_538_when_plaintext_auth_is_never_allowed()
    {
        await Start("gateway.mail.allow-plaintext-auth = never");
        await using var c = await Greeted();
        await c.SendAsync("EHLO client.test\r\n");
        Assert.DoesNotContain("AUTH", await c.ReadReplyAsync());
        await c.SendAsync($"AUTH PLAIN {AuthPlain}\r\n");
        Assert.StartsWith("538 5.7.11 encryption required", await c.ReadReplyAsync());
    }

    [Fact]
    public async Task Auth_login_works_step_by_step()
    {
        await using var c = await Greeted();
        await c.SendAsync("EHLO client.test\r\nAUTH LOGIN\r\n");
        Assert.Contains("AUTH PLAIN LOGIN", await c.ReadReplyAsync());
        Assert.Equal("334 VXNlcm5hbWU6", await c.ReadReplyAsync());
        await c.SendAsync(RawSmtpClient.Base64("alice") + "\r\n");
        Assert.Equal("334 UGFzc3dvcmQ6", await c.ReadReplyAsync());
        await c.SendAsync(RawSmtpClient.Base64(SmtpTestServer.AlicePassword) + "\r\n");
        Assert.StartsWith("235", await c.ReadReplyAsync());
    }

    [Fact]
    public async Task Auth_with_an_argument_that_is_not_base64_gets_an_error_reply()
    {
        await using var c = await Greeted();
        await c.SendAsync("EHLO client.test\r\n");
        await c.ReadReplyAsync();
        await c.SendAsync("AUTH PLAIN !!!not-base64!!!\r\n");
        var reply = await c.ReadReplyAsync();
        Assert.Matches("^5[0-9][0-9] ", reply);
        await StillServes();
    }

    [Fact]
    public async Task A_garbled_auth_login_answer_is_refused_and_the_connection_closed()
    {
        await using var c = await Greeted();
        await c.SendAsync("EHLO client.test\r\nAUTH LOGIN\r\n");
        await c.ReadReplyAsync();
        Assert.Equal("334 VXNlcm5hbWU6", await c.ReadReplyAsync());
        await c.SendAsync("%%% not base64 %%%\r\n");
        Assert.Contains("501 5.5.2 malformed base64 in the AUTH exchange; closing connection", await c.ReadUntilClosedAsync());
        await StillServes();
    }

    [Fact]
    public async Task Commands_sent_in_plain_text_behind_starttls_are_never_run_as_if_they_came_over_tls()
    {
        await using var c = await RawSmtpClient.ConnectAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, _smtp.StartTlsPort));
        await c.ReadReplyAsync();
        await c.SendAsync("EHLO client.test\r\n");
        Assert.Contains("STARTTLS", await c.ReadReplyAsync());
        await c.SendAsync("STARTTLS\r\nNOOP\r\n"); // the injected NOOP must not be answered inside TLS
        Assert.StartsWith("220", await c.ReadReplyAsync());
        // Both lines arrive in one segment, so the server has read the NOOP before the handshake.
        Assert.True(await c.UpgradeToTlsAsync());
        await c.SendAsync("EHLO client.test\r\n");
        Assert.StartsWith("250-gw.test greets client.test", await c.ReadReplyAsync());
    }
}
