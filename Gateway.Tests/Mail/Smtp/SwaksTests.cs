using System.Diagnostics;
using Akka.TestKit.Xunit2;
using Gateway.Mailbox;
using Xunit;

namespace Gateway.Tests.Mail.Smtp;

/// <summary>
/// swaks, the SMTP test client operators reach for, against the real listeners: AUTH PLAIN and
/// LOGIN, STARTTLS and implicit TLS, and the refusals (relay, sender, recipient, no AUTH), judged
/// by swaks's own exit codes (23 MAIL, 24 RCPT, 28 AUTH).
/// </summary>
public sealed class SwaksTests : TestKit, IAsyncLifetime
{
    private SmtpTestServer _smtp = null!;
    private readonly Akka.TestKit.TestProbe _submissions;

    public SwaksTests() => _submissions = CreateTestProbe();

    public Task InitializeAsync()
    {
        _smtp = SmtpTestServer.Start(Sys, Sys.ActorOf(StandInMailbox.Props(StandInMailbox.Answer.Accept, _submissions.Ref)));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _smtp.DisposeAsync();

    private static async Task<(int ExitCode, string Output)> Swaks(params string[] args)
    {
        var info = new ProcessStartInfo("swaks") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout + await stderr);
    }

    private string[] Send(int port, string from = SmtpTestServer.Alice, string to = "00420777123456@sms.example.net", params string[] more) =>
    [
        "--server", "127.0.0.1", "--port", port.ToString(), "--from", from, "--to", to, // not "+420…": swaks reads a leading + as an option
        "--header", "Subject: from swaks", "--body", "Hello from swaks", "--timeout", "20", .. more,
    ];

    private static string[] Auth(string type) => ["--auth", type, "--auth-user", SmtpTestServer.Alice, "--auth-password", SmtpTestServer.AlicePassword];

    [Theory]
    [InlineData("PLAIN")]
    [InlineData("LOGIN")]
    public async Task Swaks_sends_with_auth_over_plain_loopback(string mechanism)
    {
        var (code, output) = await Swaks(Send(_smtp.PlainPort, more: Auth(mechanism)));
        Assert.True(code == 0, $"exit {code}:\n{output}");
        var job = Assert.Single(_submissions.ExpectMsg<SubmitOutgoing>().Jobs);
        Assert.Equal("Hello from swaks", job.Text);
        Assert.Contains($"250 2.0.0 queued as SMS job {job.JobId}", output);
    }

    [Fact]
    public async Task Swaks_sends_over_starttls()
    {
        var (code, output) = await Swaks(Send(_smtp.StartTlsPort, more: ["--tls", .. Auth("PLAIN")]));
        Assert.True(code == 0, $"exit {code}:\n{output}");
        Assert.Contains("STARTTLS", output);
        Assert.Contains("TLS started", output);
        _submissions.ExpectMsg<SubmitOutgoing>();
    }

    [Fact]
    public async Task Swaks_sends_over_implicit_tls()
    {
        var (code, output) = await Swaks(Send(_smtp.ImplicitTlsPort, more: ["--tls-on-connect", .. Auth("LOGIN")]));
        Assert.True(code == 0, $"exit {code}:\n{output}");
        Assert.Contains("TLS started", output);
        _submissions.ExpectMsg<SubmitOutgoing>();
    }

    [Fact]
    public async Task Swaks_without_auth_is_refused_at_mail_from()
    {
        var (code, output) = await Swaks(Send(_smtp.PlainPort));
        Assert.True(code == 23, $"exit {code}:\n{output}");
        Assert.Contains("530", output);
        _submissions.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Swaks_with_a_wrong_password_fails_auth()
    {
        var (code, output) = await Swaks(Send(_smtp.PlainPort, more: ["--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "nope"]));
        Assert.True(code == 28, $"exit {code}:\n{output}");
        Assert.Contains("535", output);
    }

    [Fact]
    public async Task Swaks_relaying_to_another_domain_is_refused()
    {
        var (code, output) = await Swaks(Send(_smtp.PlainPort, to: "bob@example.com", more: Auth("PLAIN")));
        Assert.True(code == 24, $"exit {code}:\n{output}");
        Assert.Contains("550 5.7.1 relay denied", output);
        _submissions.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task Swaks_sending_as_someone_else_is_refused()
    {
        var (code, output) = await Swaks(Send(_smtp.PlainPort, from: "bob@sms.example.net", more: Auth("PLAIN")));
        Assert.True(code == 23, $"exit {code}:\n{output}");
        Assert.Contains("553 5.7.1 the sender must be your own address <alice@sms.example.net>", output);
    }

    [Fact]
    public async Task Swaks_to_something_that_is_not_a_number_is_refused()
    {
        var (code, output) = await Swaks(Send(_smtp.PlainPort, to: "pizza@sms.example.net", more: Auth("PLAIN")));
        Assert.True(code == 24, $"exit {code}:\n{output}");
        Assert.Contains("553 5.1.3 <pizza@sms.example.net> is not a phone number", output);
    }
}
