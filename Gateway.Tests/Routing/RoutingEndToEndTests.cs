using System.Diagnostics;
using Gateway.Mailbox;
using Gateway.Modem.Virtual;
using Gateway.Sms;
using Gateway.Tests.Routing.Support;
using Gateway.Tests.Support;
using MailKit.Net.Smtp;
using Xunit;

namespace Gateway.Tests.Routing;

/// <summary>
/// E-mail to SMS through a whole node: real SMTP clients (MailKit, swaks) → SMTP → mailbox →
/// router → GSM module → virtual modem, checked on the phone side; rules refused at RCPT or at
/// the end of DATA; bounces, delivery notices and limits read back over POP3 with MailKit.
/// </summary>
public sealed class RoutingEndToEndTests
{
    [Fact]
    public async Task An_email_becomes_an_SMS_on_the_phone_with_its_number_text_coding_and_parts()
    {
        await using var node = await RoutingNode.StartAsync(modules: 1);
        const string czech = "Dobrý den, zítra v 18:00 u vchodu č. 3. Vezměte s sebou deštník, hlásí bouřky a silný vítr. " +
                             "Kdo přijde dřív, počká v kavárně naproti. Děkuji a těším se na vás!";
        var reply = await node.SendAsync(czech, to: "+420777123456");
        Assert.StartsWith("2.0.0 queued as SMS job", reply);
        var got = (await node.PhoneAsync("+420777123456")).Single();
        Assert.Equal((RoutingNode.Sim(1), czech, SmsCoding.Ucs2), (got.From, got.Text, got.Coding));
        Assert.Equal(3, got.Parts);

        // A national number and plain ASCII: E.164 on the phone side, GSM-7, one part.
        await node.SendAsync("See you at 6", to: "777000111");
        var plain = (await node.PhoneAsync("+420777000111")).Single();
        Assert.Equal(("See you at 6", SmsCoding.Gsm7, 1), (plain.Text, plain.Coding, plain.Parts));

        var job = await node.JobReachesAsync("alice", RoutingNode.JobIdIn(reply), JobState.Sent);
        Assert.Equal("gsm-1", job.Status.Module);
        Assert.Equal(3, job.Status.References.Length);
    }

    [Fact]
    public async Task A_mail_sent_with_swaks_reaches_the_phone()
    {
        await using var node = await RoutingNode.StartAsync(modules: 1);
        var info = new ProcessStartInfo("swaks") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
                 {
                     "--server", "127.0.0.1", "--port", node.Node.Smtp().Port.ToString(), "--from", "alice@sms.example.net",
                     "--to", "00420777123456@sms.example.net", "--auth", "PLAIN", "--auth-user", "alice", "--auth-password", TestSettings.AlicePassword,
                     "--header", "Subject: from swaks", "--body", "Hello from swaks through the router", "--timeout", "20",
                 })
            info.ArgumentList.Add(a);
        using (var swaks = Process.Start(info)!)
        {
            var output = swaks.StandardOutput.ReadToEndAsync();
            var errors = swaks.StandardError.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await swaks.WaitForExitAsync(cts.Token);
            Assert.True(swaks.ExitCode == 0, $"swaks exit {swaks.ExitCode}:\n{await output}{await errors}");
        }
        var got = (await node.PhoneAsync("+420777123456")).Single();
        Assert.Equal((RoutingNode.Sim(1), "Hello from swaks through the router", SmsCoding.Gsm7), (got.From, got.Text, got.Coding));
    }

    [Fact]
    public async Task A_recipient_no_rule_allows_is_refused_with_550_at_RCPT_and_nothing_is_sent()
    {
        await using var node = await RoutingNode.StartAsync(modules: 1, extra: """
            gateway.routing.outgoing = [ { users = [alice], destinations = ["+42077712345?"], groups = [operator-a] } ]
            """);
        await node.SendAsync("allowed", to: "+420777123459");

        var tooLong = await Assert.ThrowsAsync<SmtpCommandException>(() => node.SendAsync("no", to: "+4207771234599"));
        Assert.Equal((SmtpErrorCode.RecipientNotAccepted, 550), (tooLong.ErrorCode, (int)tooLong.StatusCode));
        Assert.Contains("no outgoing rule lets alice send to +4207771234599", tooLong.Message);

        var bob = await Assert.ThrowsAsync<SmtpCommandException>(() => node.SendAsync("no", to: "+420777123459", user: "bob"));
        Assert.Equal((SmtpErrorCode.RecipientNotAccepted, 550), (bob.ErrorCode, (int)bob.StatusCode));

        Assert.Equal("allowed", (await node.PhoneAsync("+420777123459")).Single().Text);
        Assert.Equal(0, node.Network.Phone("+4207771234599").Inbox.Length);
    }

    [Fact]
    public async Task Hours_are_read_on_the_nodes_clock_and_a_mail_outside_them_is_refused_at_RCPT()
    {
        var prague = TimeZoneInfo.FindSystemTimeZoneById("Europe/Prague");
        var clock = new ManualTime(new DateTimeOffset(2026, 11, 23, 16, 59, 0, TimeSpan.Zero), prague); // Monday 17:59 in Prague
        await using var node = await RoutingNode.StartAsync(modules: 1, time: clock, extra: """
            gateway.routing.outgoing = [ { destinations = ["+420*"], groups = [operator-a], hours = "08:00-18:00", weekdays = [mon, tue, wed, thu, fri] } ]
            """);
        await node.SendAsync("office hours", to: "+420777123456");
        Assert.Equal("office hours", (await node.PhoneAsync("+420777123456")).Single().Text);

        clock.Advance(TimeSpan.FromMinutes(1)); // 18:00
        var evening = await Assert.ThrowsAsync<SmtpCommandException>(() => node.SendAsync("after hours", to: "+420777123456"));
        Assert.Equal(550, (int)evening.StatusCode);
        Assert.Contains("applies only 08:00-18:00 on mon, tue, wed, thu, fri", evening.Message);

        clock.Advance(TimeSpan.FromHours(14)); // Tuesday 08:00
        await node.SendAsync("next morning", to: "+420777123456");
        Assert.Equal("next morning", (await node.PhoneAsync("+420777123456", 2))[1].Text);
    }

    [Fact]
    public async Task A_text_prefix_rule_is_checked_at_the_end_of_DATA_and_its_prefix_is_not_sent()
    {
        await using var node = await RoutingNode.StartAsync(modules: 1, extra: """
            gateway.routing.outgoing = [
              { destinations = ["+420*"], groups = [operator-a] }
              { destinations = ["+44*"], groups = [operator-a], text-prefix = "intl:" }
            ]
            """);
        var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => node.SendAsync("Hello London", to: "+447700900123"));
        Assert.Equal((SmtpErrorCode.MessageNotAccepted, 550), (refused.ErrorCode, (int)refused.StatusCode));
        Assert.Contains("needs the text to start with \"intl:\"", refused.Message);

        await node.SendAsync("INTL: Hello London", to: "+447700900123");
        Assert.Equal("Hello London", (await node.PhoneAsync("+447700900123")).Single().Text);
    }

    [Fact]
    public async Task A_module_answering_errors_is_failed_over_and_the_phone_gets_the_SMS_from_the_other_SIM()
    {
        await using var node = await RoutingNode.StartAsync(modules: 2);
        node.Network.Modem(RoutingNode.Sim(1))!.Faults.FailSends(AtError.Cms(38));
        var reply = await node.SendAsync("around the broken module");
        Assert.Equal(RoutingNode.Sim(2), (await node.PhoneAsync()).Single().From);
        var job = await node.JobReachesAsync("alice", RoutingNode.JobIdIn(reply), JobState.Sent);
        Assert.Equal(["gsm-1", "gsm-2"], job.History.Where(h => h.State == JobState.Sending).Select(h => h.Module));
    }

    [Fact]
    public async Task A_permanent_failure_lands_as_a_bounce_in_the_users_POP3_mailbox()
    {
        await using var node = await RoutingNode.StartAsync(modules: 2);
        foreach (var i in new[] { 1, 2 }) node.Network.Modem(RoutingNode.Sim(i))!.Faults.FailSends(AtError.Cms(30));
        var reply = await node.SendAsync("Tahle zpráva neodejde.", subject: "Dinner", messageId: "dinner-1@client.example");
        await node.JobReachesAsync("alice", RoutingNode.JobIdIn(reply), JobState.Failed);

        var bounce = (await node.Pop3UntilAsync(1)).Single();
        Assert.Equal("SMS to +420777123456 not sent", bounce.Subject);
        Assert.Equal("mailer-daemon@sms.example.net", bounce.From.Mailboxes.Single().Address);
        Assert.Equal("dinner-1@client.example", bounce.InReplyTo);
        Assert.Contains("+420777123456", bounce.TextBody);
        Assert.Contains("unknown subscriber", bounce.TextBody);
        Assert.Contains("Tahle zpráva neodejde.", bounce.TextBody);
        Assert.Contains("Subject:  Dinner", bounce.TextBody);
    }

    [Fact]
    public async Task Status_reports_mark_jobs_delivered_or_failed_and_notices_follow_each_users_notify_setting()
    {
        await using var node = await RoutingNode.StartAsync(modules: 1, extra: """
            gateway.virtual-network { status-reports = on, status-report-delay = 0ms }
            gateway.users.alice.notify = all
            gateway.users.carol { password-hash = "${CAROL}", sms-groups = [operator-a], notify = none }
            """.Replace("${CAROL}", Gateway.Accounts.PasswordHasher.Hash("carol-pw", Gateway.Accounts.PasswordHasher.MinIterations)));
        node.Network.SetDeliveryOutcome("+420777000666", DeliveryOutcome.Failed);

        var aliceJob = RoutingNode.JobIdIn(await node.SendAsync("A long message so that it needs two parts: " + new string('x', 150), to: "+420777000111"));
        var bobDelivered = RoutingNode.JobIdIn(await node.SendAsync("bob, delivered", to: "+420777000222", user: "bob"));
        var bobFailed = RoutingNode.JobIdIn(await node.SendAsync("bob, never delivered", to: "+420777000666", user: "bob"));
        var carolFailed = RoutingNode.JobIdIn(await node.SendAsync("carol, never delivered", to: "+420777000666", user: "carol"));

        var delivered = await node.JobReachesAsync("alice", aliceJob, JobState.Delivered);
        Assert.Equal("gsm-1", delivered.Status.Module);
        await node.JobReachesAsync("bob", bobDelivered, JobState.Delivered);
        var failed = await node.JobReachesAsync("bob", bobFailed, JobState.Failed);
        Assert.Contains("not delivered", failed.Status.Reason);
        await node.JobReachesAsync("carol", carolFailed, JobState.Failed);

        // notify = all: alice hears of the delivery; failures (bob's default): only of the failure; none: carol hears nothing.
        var aliceMail = (await node.Pop3UntilAsync(1, "alice")).Single();
        Assert.Equal("SMS to +420777000111 delivered", aliceMail.Subject);
        Assert.Contains("(all 2 parts)", aliceMail.TextBody);
        var bobMail = (await node.Pop3UntilAsync(1, "bob")).Single();
        Assert.Equal("SMS to +420777000666 not delivered", bobMail.Subject);
        Assert.Contains("bob, never delivered", bobMail.TextBody);
        Assert.Empty(await node.Pop3Async("carol"));
    }

    [Fact]
    public async Task A_module_at_its_limit_is_skipped_and_when_all_are_the_job_waits_then_bounces()
    {
        await using var node = await RoutingNode.StartAsync(modules: 2, extra: """
            gateway.modules.gsm-1.limits { per-day = 1 }
            gateway.modules.gsm-2.limits { per-day = 1 }
            gateway.routing.sending.no-module-wait = 1s
            """);
        var first = await node.SendAsync("one", to: "+420777000001");
        Assert.Equal(RoutingNode.Sim(1), (await node.PhoneAsync("+420777000001")).Single().From);
        await node.JobReachesAsync("alice", RoutingNode.JobIdIn(first), JobState.Sent);
        var second = await node.SendAsync("two", to: "+420777000002");
        Assert.Equal(RoutingNode.Sim(2), (await node.PhoneAsync("+420777000002")).Single().From); // gsm-1 is at its limit: skipped
        await node.JobReachesAsync("alice", RoutingNode.JobIdIn(second), JobState.Sent);

        var third = RoutingNode.JobIdIn(await node.SendAsync("three", to: "+420777000003"));
        var failed = await node.JobReachesAsync("alice", third, JobState.Failed);
        Assert.Contains("no module could take it for 1s", failed.Status.Reason);
        Assert.Contains("gsm-1 at its limit", failed.Status.Reason);
        var bounce = (await node.Pop3UntilAsync(1)).Single();
        Assert.Contains("gsm-2 at its limit", bounce.TextBody);
        Assert.Equal(0, node.Network.Phone("+420777000003").Inbox.Length);
    }
}
