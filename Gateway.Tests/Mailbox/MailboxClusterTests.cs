using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.Mailbox;

/// <summary>
/// Two nodes in one cluster (two actor systems in this process, one SQLite file in WAL mode):
/// a POP3 session on one node works on a mailbox that lives on the other, so every mailbox
/// message crosses remoting through the mailbox serializer.
/// </summary>
public class MailboxClusterTests
{
    private static readonly string[] Users = Enumerable.Range(1, 8).Select(i => $"c{i}").ToArray();

    private static async Task<HashSet<string>> HostedUsersAsync(GatewayNode node)
    {
        var state = await node.Mailboxes.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, TimeSpan.FromSeconds(10));
        return state.Shards.SelectMany(s => s.EntityIds).ToHashSet();
    }

    [Fact]
    public async Task A_POP3_session_on_one_node_reads_and_deletes_in_a_mailbox_on_the_other()
    {
        var database = Path.Combine(Directory.CreateTempSubdirectory("gw-cluster-").FullName, "gateway.db");
        await using var a = await GatewayNode.StartAsync(TestSettings.Gateway("gateway.log.level = warning", database, Users));
        var seed = Akka.Cluster.Cluster.Get(a.System).SelfAddress;
        await using var b = await GatewayNode.StartAsync(TestSettings.Gateway($$"""
            gateway.log.level = warning
            gateway.node.name = "node-b"
            gateway.cluster.seed-nodes = ["127.0.0.1:{{seed.Port}}"]
            """, database, Users));
        Assert.IsType<Gateway.Mailbox.MailboxSerializer>(b.System.Serialization.FindSerializerFor(new Gateway.Mailbox.LockMaildrop("c1", "s")));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Akka.Cluster.Cluster.Get(a.System).State.Members.Count(m => m.Status == MemberStatus.Up) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "node-b never joined");
            await Task.Delay(100);
        }

        foreach (var user in Users)
            for (var i = 0; i < 30; i++) await b.DeliverAsync(user, $"{user} message {i} " + new string('z', 200));

        // Shards may move between the nodes while this runs (rebalancing); a session that loses its
        // lock that way says [SYS/TEMP], and a client tries again, as this one does.
        for (var attempt = 1; ; attempt++)
        {
            // The session goes to the node that does not host the mailbox (shards land where sharding puts them).
            var onA = await HostedUsersAsync(a);
            var onB = await HostedUsersAsync(b);
            var (remote, sessionNode, mailboxNode) = Users.Intersect(onA.Except(onB)).FirstOrDefault() is { } onlyA
                ? (onlyA, b, a)
                : (Users.Intersect(onB.Except(onA)).FirstOrDefault(), a, b);
            Assert.True(remote is not null, $"no mailbox lives on one node only (node-a: {string.Join(",", onA)}; node-b: {string.Join(",", onB)})");
            await using var raw = await RawPop3.ConnectAsync(sessionNode.Pop3());
            await raw.ReadLineAsync();
            var login = await raw.LogInAsync(remote, remote + "-pw");
            Assert.StartsWith($"+OK {remote} has 30 messages", login);
            var texts = new List<string>();
            var lost = false;
            for (var i = 1; i <= 30 && !lost; i++)
            {
                await raw.SendAsync($"RETR {i}\r\n");
                var status = await raw.ReadLineAsync();
                if (status.StartsWith("-ERR [SYS/TEMP]") && attempt < 3) lost = true;
                else
                {
                    Assert.StartsWith("+OK", status);
                    texts.Add(string.Join("\n", await raw.ReadMultiLineAsync()));
                }
            }
            if (lost) continue;
            Assert.All(texts.Select((t, i) => (t, i)), p => Assert.Contains($"{remote} message {p.i} ", p.t));
            Assert.StartsWith("+OK", await raw.CommandAsync("DELE 1"));
            var quit = await raw.CommandAsync("QUIT");
            if (quit.StartsWith("-ERR [SYS/TEMP]") && attempt < 3) continue;
            Assert.Equal("+OK sms-gateway signing off (1 messages deleted)", quit);
            Assert.Equal(29, (await mailboxNode.StatusAsync(remote)).Messages);
            break;
        }
    }

    [Fact]
    public async Task Mailboxes_stay_where_they_are_when_another_node_joins()
    {
        // A mailbox that moved would offer its pending jobs to the new node's router while the old
        // node's router still held them: SMS sent twice. So shards are not rebalanced onto a newcomer.
        var database = Path.Combine(Directory.CreateTempSubdirectory("gw-cluster-").FullName, "gateway.db");
        await using var a = await GatewayNode.StartAsync(TestSettings.Gateway("gateway.log.level = warning", database, Users));
        var seed = Akka.Cluster.Cluster.Get(a.System).SelfAddress;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await HostedUsersAsync(a)).Count < Users.Length + 2) // c1..c8, alice and bob, woken at start
        {
            Assert.True(DateTime.UtcNow < deadline, "node-a never started every mailbox");
            await Task.Delay(100);
        }
        await using var b = await GatewayNode.StartAsync(TestSettings.Gateway($$"""
            gateway.log.level = warning
            gateway.node.name = "node-b"
            gateway.cluster.seed-nodes = ["127.0.0.1:{{seed.Port}}"]
            """, database, Users));
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (Akka.Cluster.Cluster.Get(a.System).State.Members.Count(m => m.Status == MemberStatus.Up) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "node-b never joined");
            await Task.Delay(100);
        }

        // Akka's sharding would start moving shards at its next rebalance tick (every 10 s) with a
        // difference of more than one shard between the nodes; wait out two ticks.
        await Task.Delay(TimeSpan.FromSeconds(25));
        Assert.Empty(await HostedUsersAsync(b));
        Assert.Equal(Users.Length + 2, (await HostedUsersAsync(a)).Count);
    }
}
