using System.Diagnostics;
using Gateway.Configuration;
using Gateway.Mailbox;
using Gateway.Modem.Virtual;
using Gateway.Tests.Support;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Xunit;

namespace Gateway.Tests.Routing.Support;

/// <summary>
/// A whole gateway node for end-to-end routing tests (the host's own wiring, SQLite, SMTP and
/// POP3 on port 0, virtual modules gsm-1..n in operator-a), and the real clients that drive it:
/// MailKit for SMTP and POP3, swaks, the virtual network's phones and faults.
/// </summary>
public sealed class RoutingNode : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public GatewayNode Node { get; }

    private RoutingNode(GatewayNode node) => Node = node;

    public VirtualNetwork Network => Node.Network;

    public static string Sim(int i) => $"+42060000000{i}";

    public static async Task<RoutingNode> StartAsync(int modules = 2, string extra = "", TimeProvider? time = null)
    {
        var list = string.Join("\n", Enumerable.Range(1, modules).Select(i =>
            $"gsm-{i} {{ node = \"node-a\", group = operator-a, transport = virtual, number = \"{Sim(i)}\" }}"));
        var settings = TestSettings.Gateway($$"""
            gateway {
              mail.smtp.listen = [ { host = "127.0.0.1", port = 0, tls = none } ]
              modules { {{list}} }
              routing.outgoing = [ { users = ["*"], destinations = ["+420*"], groups = [operator-a] } ]
              routing.sending {
                retry-backoff-min = 100ms, retry-backoff-max = 400ms, no-module-wait = 3s,
                send-guard-margin = 2s, ack-timeout = 1s, sticky-lookup-timeout = 1s
              }
              modem {
                command-timeout = 2s, send-timeout = 3s, health-interval = 1h,
                reopen-backoff-min = 200ms, reopen-backoff-max = 1s, close-timeout = 2s, open-timeout = 3s
              }
              virtual-network { send-latency = 0ms, status-reports = off, status-report-delay = 0ms }
            }
            """ + "\n" + extra);
        return new RoutingNode(await GatewayNode.StartAsync(settings, time));
    }

    /// <summary>Sends one e-mail with MailKit as <paramref name="user"/>; returns the server's final reply (250 …) or throws <see cref="SmtpCommandException"/>.</summary>
    public async Task<string> SendAsync(string text, string to = "+420777123456", string user = "alice", string subject = "test", string? messageId = null)
    {
        var mail = new MimeMessage();
        mail.From.Add(new MailboxAddress(user, $"{user}@sms.example.net"));
        foreach (var number in to.Split(',')) mail.To.Add(MailboxAddress.Parse($"{number}@sms.example.net"));
        mail.Subject = subject;
        if (messageId is not null) mail.MessageId = messageId;
        mail.Body = new TextPart("plain") { Text = text };
        using var client = new SmtpClient { Timeout = 30_000 };
        await client.ConnectAsync("127.0.0.1", Node.Smtp().Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, user + "-pw");
        try
        {
            return await client.SendAsync(mail);
        }
        finally
        {
            await client.DisconnectAsync(true);
        }
    }

    /// <summary>The messages in <paramref name="user"/>'s mailbox, fetched over POP3 with MailKit (nothing deleted).</summary>
    public async Task<IReadOnlyList<MimeMessage>> Pop3Async(string user = "alice")
    {
        using var pop = new Pop3Client { Timeout = 30_000 };
        await pop.ConnectAsync("127.0.0.1", Node.Pop3().Port, SecureSocketOptions.None);
        await pop.AuthenticateAsync(user, user + "-pw");
        var messages = new List<MimeMessage>();
        for (var i = 0; i < pop.Count; i++) messages.Add(await pop.GetMessageAsync(i));
        await pop.DisconnectAsync(true);
        return messages;
    }

    /// <summary>Polls POP3 until <paramref name="user"/> has <paramref name="count"/> messages.</summary>
    public async Task<IReadOnlyList<MimeMessage>> Pop3UntilAsync(int count, string user = "alice")
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var messages = await Pop3Async(user);
            if (messages.Count >= count || deadline.Elapsed > Patience)
            {
                Assert.Equal(count, messages.Count);
                return messages;
            }
            await Task.Delay(100);
        }
    }

    public async Task<IReadOnlyList<ReceivedSms>> PhoneAsync(string number = "+420777123456", int count = 1)
    {
        using var cts = new CancellationTokenSource(Patience);
        return await Network.Phone(number).WaitForInboxAsync(count, cts.Token);
    }

    public async Task<OutgoingJobRecord> JobAsync(string user, string jobId) =>
        (await Akka.Actor.Futures.Ask<OutgoingJobsResult>(Node.Mailboxes, new GetOutgoingJobs(user), TimeSpan.FromSeconds(10)))
            .Jobs.Single(j => j.Job.JobId == jobId);

    public async Task<OutgoingJobRecord> JobReachesAsync(string user, string jobId, JobState state)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var record = await JobAsync(user, jobId);
            if (record.Status.State == state) return record;
            Assert.True(deadline.Elapsed < Patience, $"job {jobId} is {record.Status}, not {state}");
            await Task.Delay(50);
        }
    }

    public static string JobIdIn(string reply) => System.Text.RegularExpressions.Regex.Match(reply, @"queued as SMS jobs? ([0-9A-Z]{16})").Groups[1].Value;

    public ValueTask DisposeAsync() => Node.DisposeAsync();
}
