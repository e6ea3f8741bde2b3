using System.Diagnostics;
using Gateway.Tests.Clustering.Support;
using Gateway.Tests.Support;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Tests.Clustering;

/// <summary>
/// One gateway across processes: each node's modules are a rack of their own (an SMS group), the
/// rules pick a rack by destination, and mail, SMS, AutoCLIP and POP3 cross the nodes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CrossNodeFlowTests(PostgresServer postgres, ITestOutputHelper output)
{
    [PostgresFact]
    public async Task Mail_into_one_node_leaves_through_another_nodes_rack_and_the_reply_there_is_fetched_from_a_third()
    {
        await using var cluster = await GatewayCluster.CreateAsync(postgres, output, nodes: 3, modemsPerNode: 1, users: 2, racks: true);
        await cluster.StartAllAsync();
        var (a, b, c) = (cluster["node-a"], cluster["node-b"], cluster["node-c"]);

        // "+421*" goes to node-c's rack only: a mail into node-a's SMTP leaves through node-c's SIM.
        const string slovak = "+421900123456";
        await SendAsync(a, "u2", slovak, "through node-c");
        var atSlovak = await ReceivedAsync(cluster, slovak, "through node-c");
        Assert.Equal(c.Modules[0].Number, atSlovak.From);

        // "+420777*" goes to node-b's rack: u1 writes through node-a, so the AutoCLIP record is
        // (phone, node-b's module) → u1; the phone's answer to that SIM reaches u1, read on node-c.
        const string phone = "+420777555111";
        await SendAsync(a, "u1", phone, "question from u1");
        var atPhone = await ReceivedAsync(cluster, phone, "question from u1");
        Assert.Equal(b.Modules[0].Number, atPhone.From);
        await cluster.PhoneSendsAsync(phone, atPhone.From, "answer for u1");
        var mailbox = await MailboxAsync(c, "u1", "answer for u1");
        var reply = Assert.Single(mailbox, m => m.TextBody?.Contains("answer for u1") == true);
        Assert.Contains(phone, reply.From.ToString());
        // The AutoCLIP rule delivered it, not the catch-all rule, which would have given it to u2.
        Assert.Empty(await MailboxAsync(b, "u2", null));
    }

    private static async Task SendAsync(ClusterNode node, string user, string phone, string text)
    {
        using var client = new SmtpClient { Timeout = 30_000 };
        await client.ConnectAsync("127.0.0.1", node.SmtpPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, GatewayCluster.Password);
        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse($"{user}@{GatewayCluster.Domain}"));
        mail.To.Add(MailboxAddress.Parse($"{phone}@{GatewayCluster.Domain}"));
        mail.Subject = "cross-node";
        mail.Body = new TextPart("plain") { Text = text };
        Assert.Contains("queued as SMS job", await client.SendAsync(mail));
        await client.DisconnectAsync(true);
    }

    /// <summary>The SMS with <paramref name="text"/> at the phone: which SIM sent it.</summary>
    private static async Task<(string From, string Text)> ReceivedAsync(GatewayCluster cluster, string phone, string text)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var inbox = await cluster.PhoneInboxDetailedAsync(phone);
            if (inbox.FirstOrDefault(m => m.Text == text) is { From: not null } found) return found;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"\"{text}\" never reached {phone}");
            await Task.Delay(100);
        }
    }

    /// <summary>A user's messages over POP3 on a node, once one contains <paramref name="waitFor"/> (or at once when null).</summary>
    private static async Task<List<MimeMessage>> MailboxAsync(ClusterNode node, string user, string? waitFor)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var messages = new List<MimeMessage>();
            using (var pop3 = new Pop3Client { Timeout = 15_000 })
            {
                await pop3.ConnectAsync("127.0.0.1", node.Pop3Port, SecureSocketOptions.None);
                await pop3.AuthenticateAsync(user, GatewayCluster.Password);
                for (var i = 0; i < pop3.Count; i++) messages.Add(await pop3.GetMessageAsync(i));
                await pop3.DisconnectAsync(false);
            }
            if (waitFor is null || messages.Any(m => m.TextBody?.Contains(waitFor) == true)) return messages;
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"\"{waitFor}\" never reached {user}'s mailbox");
            await Task.Delay(250);
        }
    }
}
