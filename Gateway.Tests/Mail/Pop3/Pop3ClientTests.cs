using System.Diagnostics;
using System.Net;
using Gateway.Tests.Support;
using MailKit.Net.Pop3;
using MailKit.Security;
using MimeKit;
using Xunit;

namespace Gateway.Tests.Mail.Pop3;

/// <summary>Real POP3 clients (MailKit, mpop) against a real node, over loopback, plain and TLS.</summary>
public class Pop3ClientTests(Pop3NodeFixture fixture) : IClassFixture<Pop3NodeFixture>
{
    private GatewayNode Node => fixture.Node;

    private static async Task<Pop3Client> ConnectAsync(IPEndPoint endpoint, SecureSocketOptions security, string user)
    {
        var client = new Pop3Client { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, security);
        await client.AuthenticateAsync(user, user + "-pw");
        return client;
    }

    [Fact]
    public async Task MailKit_reads_incoming_SMS_as_emails_whose_reply_goes_back_to_the_phone()
    {
        await Node.DeliverAsync("u1", "První zpráva", from: "+420777000001");
        await Node.DeliverAsync("u1", "Second message", from: "+420777000002");
        using var client = await ConnectAsync(fixture.Plain, SecureSocketOptions.None, "u1");
        Assert.Equal(2, client.Count);
        var first = await client.GetMessageAsync(0);
        Assert.Equal("+420777000001@sms.example.net", ((MailboxAddress)first.From.Single()).Address);
        Assert.Equal("SMS from +420777000001", first.Subject);
        Assert.Equal("První zpráva", first.TextBody!.TrimEnd());
        Assert.Equal("u1@sms.example.net", ((MailboxAddress)first.To.Single()).Address);
        var uids = await client.GetMessageUidsAsync();
        Assert.Equal(2, uids.Distinct().Count());
        var sizes = await client.GetMessageSizesAsync();
        Assert.All(sizes, s => Assert.True(s > 100));
        await client.DisconnectAsync(true);
    }

    [Theory]
    [InlineData(SecureSocketOptions.StartTls, 1)]
    [InlineData(SecureSocketOptions.SslOnConnect, 2)]
    public async Task MailKit_logs_in_over_STLS_and_over_implicit_TLS(SecureSocketOptions security, int listener)
    {
        var user = listener == 1 ? "u2" : "u3";
        await Node.DeliverAsync(user, "over TLS");
        using var client = await ConnectAsync(Node.Pop3(listener), security, user);
        Assert.True(client.IsSecure);
        Assert.Equal("over TLS", (await client.GetMessageAsync(0)).TextBody!.TrimEnd());
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task The_STLS_listener_advertises_STLS_and_the_plain_one_does_not()
    {
        using var plain = new Pop3Client();
        await plain.ConnectAsync("127.0.0.1", fixture.Plain.Port, SecureSocketOptions.None);
        Assert.False(plain.Capabilities.HasFlag(Pop3Capabilities.StartTLS));
        Assert.True(plain.Capabilities.HasFlag(Pop3Capabilities.UIDL));
        Assert.True(plain.Capabilities.HasFlag(Pop3Capabilities.Pipelining));
        using var stls = new Pop3Client { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await stls.ConnectAsync("127.0.0.1", fixture.StartTls.Port, SecureSocketOptions.StartTlsWhenAvailable);
        Assert.True(stls.IsSecure);
    }

    [Fact]
    public async Task Deletions_take_effect_at_QUIT_and_a_dropped_connection_deletes_nothing()
    {
        for (var i = 0; i < 3; i++) await Node.DeliverAsync("u4", $"message {i}");
        using (var dropped = await ConnectAsync(fixture.Plain, SecureSocketOptions.None, "u4"))
        {
            await dropped.DeleteMessagesAsync([0, 1, 2]);
            await dropped.DisconnectAsync(quit: false);
        }
        await AwaitUnlockedAsync("u4");
        Assert.Equal(3, (await Node.StatusAsync("u4")).Messages);

        using (var quitting = await ConnectAsync(fixture.Plain, SecureSocketOptions.None, "u4"))
        {
            Assert.Equal(3, quitting.Count);
            await quitting.DeleteMessageAsync(1);
            await quitting.DisconnectAsync(quit: true);
        }
        Assert.Equal(2, (await Node.StatusAsync("u4")).Messages);
        using var after = await ConnectAsync(fixture.Plain, SecureSocketOptions.None, "u4");
        var texts = new List<string>();
        for (var i = 0; i < after.Count; i++) texts.Add((await after.GetMessageAsync(i)).TextBody!.TrimEnd());
        Assert.Equal(["message 0", "message 2"], texts);
        await after.DisconnectAsync(true);
    }

    [Fact]
    public async Task A_second_session_of_the_same_user_is_refused_with_IN_USE()
    {
        using var first = await ConnectAsync(fixture.Plain, SecureSocketOptions.None, "u5");
        using var mailKit = new Pop3Client();
        await mailKit.ConnectAsync("127.0.0.1", fixture.Plain.Port, SecureSocketOptions.None);
        await Assert.ThrowsAsync<AuthenticationException>(() => mailKit.AuthenticateAsync("u5", "u5-pw"));
        await using (var raw = await RawPop3.ConnectAsync(fixture.Plain)) // MailKit hides the response code; a raw client sees it
        {
            await raw.ReadLineAsync();
            Assert.Equal("-ERR [IN-USE] the maildrop is already locked by another session", await raw.LogInAsync("u5", "u5-pw"));
        }
        await first.DisconnectAsync(true);
        await AwaitUnlockedAsync("u5");
        using var third = await ConnectAsync(fixture.Plain, SecureSocketOptions.None, "u5");
        await third.DisconnectAsync(true);
    }

    [Fact]
    public async Task Headers_come_from_TOP_and_a_wrong_password_is_refused_with_AUTH()
    {
        await Node.DeliverAsync("u6", "body text that TOP 0 leaves out");
        using var client = await ConnectAsync(fixture.Plain, SecureSocketOptions.None, "u6");
        var headers = await client.GetMessageHeadersAsync(0);
        Assert.Equal("gsm-1", headers["X-Gateway-Module"]);
        await client.DisconnectAsync(true);

        using var wrong = new Pop3Client();
        await wrong.ConnectAsync("127.0.0.1", fixture.Plain.Port, SecureSocketOptions.None);
        await Assert.ThrowsAsync<AuthenticationException>(() => wrong.AuthenticateAsync("u6", "not-the-password"));
        await using var raw = await RawPop3.ConnectAsync(fixture.Plain);
        await raw.ReadLineAsync();
        Assert.Equal("-ERR [AUTH] invalid user name or password", await raw.LogInAsync("u6", "not-the-password"));
        Assert.Equal("-ERR [AUTH] invalid user name or password", await raw.LogInAsync("nobody", "u6-pw"));
    }

    [Fact]
    public async Task A_thousand_messages_are_listed_and_retrieved_in_order_with_their_sizes()
    {
        for (var i = 0; i < 1000; i++) await Node.DeliverAsync("u7", $"bulk {i:D4} " + new string('x', i % 300), deliveryId: $"bulk-{i}");
        using var client = await ConnectAsync(fixture.Plain, SecureSocketOptions.None, "u7");
        Assert.Equal(1000, client.Count);
        var sizes = await client.GetMessageSizesAsync();
        var messages = await client.GetMessagesAsync(0, 1000);
        for (var i = 0; i < 1000; i++)
        {
            Assert.StartsWith($"bulk {i:D4} ", messages[i].TextBody);
            Assert.InRange(sizes[i], 400, 1200);
        }
        await client.DisconnectAsync(true);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("stls")]
    public async Task mpop_downloads_the_mail_and_deletes_it_on_the_server(string mode)
    {
        var user = mode == "plain" ? "u8" : "u9";
        await Node.DeliverAsync(user, "for mpop one");
        await Node.DeliverAsync(user, "for mpop two");
        var dir = Directory.CreateTempSubdirectory("gw-mpop-").FullName;
        var mbox = Path.Combine(dir, "mbox");
        var endpoint = mode == "plain" ? fixture.Plain : fixture.StartTls;
        var tls = mode == "plain" ? "tls off" : "tls on\ntls_starttls on\ntls_certcheck off";
        var config = Path.Combine(dir, "mpoprc");
        await File.WriteAllTextAsync(config, $"""
            account default
            host 127.0.0.1
            port {endpoint.Port}
            user {user}
            password {user}-pw
            auth user
            {tls}
            keep off
            delivery mbox {mbox}
            uidls_file {Path.Combine(dir, "uidls")}
            """);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite); // mpop refuses a readable password file
        var (code, output) = await RunAsync("mpop", "-C", config, "-q");
        Assert.True(code == 0, output);
        var downloaded = await File.ReadAllTextAsync(mbox);
        Assert.Contains("for mpop one", downloaded);
        Assert.Contains("for mpop two", downloaded);
        Assert.Contains("From: \"+420777123456\" <+420777123456@sms.example.net>", downloaded);
        Assert.Equal(0, (await Node.StatusAsync(user)).Messages);
    }

    private async Task AwaitUnlockedAsync(string user)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await Node.StatusAsync(user)).LockedBy is not null)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the maildrop of {user} stayed locked");
            await Task.Delay(20);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
