using System.Collections.Concurrent;
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
/// The never-lose contract across a node crash, with real processes: three nodes, each with its
/// own modems in one virtual network; mail goes into every node's SMTP and phones text every
/// node's SIMs while one node is killed with SIGKILL. Every mail that got 250 anywhere reaches the
/// phone, every SMS the phones sent is in the mailbox, the survivors serve every user within 30 s,
/// and the killed node, started again, rejoins.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class NodeCrashTests(PostgresServer postgres, ITestOutputHelper output)
{
    private const string Phone = "+420777123456";

    [PostgresFact]
    public async Task A_node_killed_under_load_loses_nothing_its_users_are_served_by_the_others_within_30s_and_it_rejoins()
    {
        await using var cluster = await GatewayCluster.CreateAsync(postgres, output, nodes: 3, modemsPerNode: 2, users: 6);
        await cluster.StartAllAsync();
        // node-a is killed: the oldest node, the first seed, host of the shard coordinators and, since it
        // woke every user's mailbox when the cluster was one node, of most mailboxes.
        var (a, b, c) = (cluster["node-a"], cluster["node-b"], cluster["node-c"]);

        // Load below what the modems carry (each sender ~2.5 mails/s, the node that holds the
        // mailboxes sends 10 SMS/s): a queue that only grows is overload, not load.
        var accepted = new ConcurrentBag<string>();
        var refusedReplies = new ConcurrentBag<string>();
        using var stopSending = new CancellationTokenSource();
        using var stopA = new CancellationTokenSource();
        var pace = TimeSpan.FromMilliseconds(400);
        var senders = new[] { (a, stopA.Token), (b, CancellationToken.None), (c, CancellationToken.None) }
            .Select(s => SendUntilAsync(cluster, s.Item1, pace, accepted, refusedReplies, CancellationTokenSource.CreateLinkedTokenSource(stopSending.Token, s.Item2).Token))
            .ToArray();
        await UntilAsync(() => accepted.Count >= 30, TimeSpan.FromSeconds(60), "30 mails accepted before the kill");

        stopA.Cancel();
        var markB = b.Mark;
        await a.KillAsync();
        var acceptedAtKill = accepted.Count;

        // Phones text a SIM of each node while a is dead (a's SIMs keep theirs until a is back).
        var incoming = new List<string>();
        foreach (var node in new[] { a, b, c })
            for (var i = 0; i < 2; i++)
            {
                var text = $"reply to {node.Name} #{i}";
                await cluster.PhoneSendsAsync($"+42077790000{i}", node.Modules[i % node.Modules.Count].Number, text);
                incoming.Add(text);
            }

        // The survivors serve every user (a's mailboxes included) once a is downed and its shards move.
        var served = await EveryUserServedAsync(cluster, b, TimeSpan.FromSeconds(60));
        output.WriteLine($"every user served by node-b {served.TotalSeconds:F1} s after the kill");
        await b.WaitForLogAsync($"cluster member removed: akka.tcp://gateway@127.0.0.1:{a.ClusterPort}", markB);
        Assert.True(served < TimeSpan.FromSeconds(30), $"the survivors took {served.TotalSeconds:F1} s to serve every user");

        await UntilAsync(() => accepted.Count >= acceptedAtKill + 20, TimeSpan.FromSeconds(60), "20 more mails accepted by the survivors");
        stopSending.Cancel();
        await Task.WhenAll(senders);

        // Everything that got a 250 anywhere, a's accepted mails included, is sent by the survivors.
        var texts = accepted.ToArray();
        var inbox = await PhoneHoldsAsync(cluster, texts, TimeSpan.FromSeconds(120));
        var missing = texts.Except(inbox).ToArray();
        Assert.True(missing.Length == 0, $"{missing.Length} of {texts.Length} accepted mails never reached the phone: {string.Join(", ", missing.Take(20))}");
        var duplicates = inbox.GroupBy(t => t).Sum(g => g.Count() - 1);
        output.WriteLine($"{texts.Length} mails accepted ({acceptedAtKill} before the kill), {inbox.Count} SMS on the phone, {duplicates} duplicate(s), " +
                         $"{refusedReplies.Count} temporary refusals");
        // At-least-once: only an SMS in flight at the kill may go twice, at most one per module. node-a's
        // router sends through every node's modules (remote routing), so that is every module in the cluster.
        Assert.InRange(duplicates, 0, cluster.Nodes.Sum(n => n.Modules.Count));

        // a comes back (as its supervisor would start it), rejoins, and delivers what waited on its SIMs.
        markB = b.Mark;
        await a.StartAsync();
        await b.WaitForLogAsync("members up: 3", markB);
        var mailbox = await MailboxTextsAsync(c, "u1", incoming, TimeSpan.FromSeconds(60));
        var lost = incoming.Where(t => !mailbox.Any(m => m.Contains(t, StringComparison.Ordinal))).ToArray();
        Assert.True(lost.Length == 0, $"SMS from phones not in u1's mailbox: {string.Join(", ", lost)}");
    }

    /// <summary>Sends mails (one connection, re-opened after trouble) until cancelled; counts those answered 250.</summary>
    private static async Task SendUntilAsync(GatewayCluster cluster, ClusterNode node, TimeSpan pace, ConcurrentBag<string> accepted, ConcurrentBag<string> refused, CancellationToken stop)
    {
        var n = 0;
        while (!stop.IsCancellationRequested)
        {
            var user = cluster.Users[n % cluster.Users.Count];
            var text = $"{node.Name} mail {++n:000} from {user}";
            try
            {
                // One mail per connection, logged in as its user (a session sends as the user who logged in).
                using var client = new SmtpClient { Timeout = 20_000 };
                await client.ConnectAsync("127.0.0.1", node.SmtpPort, SecureSocketOptions.None, stop);
                await client.AuthenticateAsync(user, GatewayCluster.Password, stop);
                var reply = await client.SendAsync(Mail(user, text), stop);
                if (reply.Contains("queued as SMS job", StringComparison.Ordinal)) accepted.Add(text);
                await client.DisconnectAsync(true, CancellationToken.None);
                await Task.Delay(pace, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (SmtpCommandException e)
            {
                // 4xx while the user's mailbox is on a node that is dead but not yet downed: not accepted, not counted.
                refused.Add($"{(int)e.StatusCode} {e.Message}");
            }
            catch (Exception e) when (e is IOException or SmtpProtocolException or System.Net.Sockets.SocketException or MailKit.ServiceNotConnectedException
                                          or AuthenticationException or OperationCanceledException)
            {
                // The node died mid-session: only 250s count.
                refused.Add(e.GetType().Name);
                if (!stop.IsCancellationRequested) await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    private static MimeMessage Mail(string user, string text)
    {
        var mail = new MimeMessage();
        mail.From.Add(MailboxAddress.Parse($"{user}@{GatewayCluster.Domain}"));
        mail.To.Add(MailboxAddress.Parse($"{Phone}@{GatewayCluster.Domain}"));
        mail.Subject = "cluster";
        mail.Body = new TextPart("plain") { Text = text };
        return mail;
    }

    /// <summary>Polls a POP3 log-in and STAT for every user on one node; returns the time since the call when all answered.</summary>
    private static async Task<TimeSpan> EveryUserServedAsync(GatewayCluster cluster, ClusterNode node, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        var waiting = cluster.Users.ToHashSet();
        while (waiting.Count > 0)
        {
            if (clock.Elapsed > limit) throw new TimeoutException($"users not served after {limit.TotalSeconds}s: {string.Join(", ", waiting)}");
            foreach (var user in waiting.ToArray())
            {
                try
                {
                    using var pop3 = new Pop3Client { Timeout = 3_000 };
                    await pop3.ConnectAsync("127.0.0.1", node.Pop3Port, SecureSocketOptions.None);
                    await pop3.AuthenticateAsync(user, GatewayCluster.Password);
                    _ = pop3.Count;
                    await pop3.DisconnectAsync(true);
                    waiting.Remove(user);
                }
                catch (Exception e) when (e is IOException or Pop3CommandException or Pop3ProtocolException or TimeoutException or OperationCanceledException
                                              or AuthenticationException or System.Net.Sockets.SocketException)
                {
                    // -ERR [SYS/TEMP] or a time-out while the mailbox's shard is on the dead node.
                }
            }
            if (waiting.Count > 0) await Task.Delay(100);
        }
        return clock.Elapsed;
    }

    private static async Task<List<string>> PhoneHoldsAsync(GatewayCluster cluster, IReadOnlyCollection<string> texts, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var inbox = await cluster.PhoneInboxAsync(Phone);
            if (texts.All(inbox.Contains) || clock.Elapsed > limit) return inbox;
            await Task.Delay(250);
        }
    }

    /// <summary>The text of every message in a user's mailbox (POP3, not deleted), once all <paramref name="expected"/> are there or the time is up.</summary>
    private static async Task<List<string>> MailboxTextsAsync(ClusterNode node, string user, IReadOnlyCollection<string> expected, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var texts = new List<string>();
            using (var pop3 = new Pop3Client { Timeout = 15_000 })
            {
                await pop3.ConnectAsync("127.0.0.1", node.Pop3Port, SecureSocketOptions.None);
                await pop3.AuthenticateAsync(user, GatewayCluster.Password);
                for (var i = 0; i < pop3.Count; i++)
                    texts.Add((await pop3.GetMessageAsync(i)).TextBody ?? "");
                await pop3.DisconnectAsync(false);
            }
            if (expected.All(e => texts.Any(t => t.Contains(e, StringComparison.Ordinal))) || clock.Elapsed > limit) return texts;
            await Task.Delay(500);
        }
    }

    private static async Task UntilAsync(Func<bool> condition, TimeSpan limit, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit) throw new TimeoutException($"not reached within {limit.TotalSeconds}s: {what}");
            await Task.Delay(100);
        }
    }
}
