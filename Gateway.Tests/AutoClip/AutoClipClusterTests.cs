using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Gateway.AutoClip;
using Gateway.Tests.Support;
using Xunit;

namespace Gateway.Tests.AutoClip;

/// <summary>
/// Two nodes in one cluster (two actor systems in this process, one SQLite file): the AutoCLIP
/// buckets spread over both, every request crosses remoting through the AutoCLIP serializer, and
/// when a node leaves, its buckets start again on the other with their records.
/// </summary>
public class AutoClipClusterTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static async Task<HashSet<string>> HostedBucketsAsync(GatewayNode node)
    {
        var state = await node.Actor<AutoClipBuckets>().Ask<CurrentShardRegionState>(GetShardRegionState.Instance, Wait);
        return state.Shards.SelectMany(s => s.EntityIds).ToHashSet();
    }

    private static string Number(int i) => $"+42077730{i:D4}";

    [Fact]
    public async Task Records_written_on_one_node_are_found_from_the_other_and_survive_the_hosting_node_leaving()
    {
        var database = Path.Combine(Directory.CreateTempSubdirectory("gw-autoclip-cluster-").FullName, "gateway.db");
        var a = await GatewayNode.StartAsync(TestSettings.Gateway("gateway.log.level = warning", database));
        var seed = Akka.Cluster.Cluster.Get(a.System).SelfAddress;
        // node-a wakes every bucket as a cluster of one.
        await AwaitAssertAsync(async () => Assert.Equal(AutoClipSharding.BucketCount, (await HostedBucketsAsync(a)).Count));
        await using var b = await GatewayNode.StartAsync(TestSettings.Gateway($$"""
            gateway.log.level = warning
            gateway.node.name = "node-b"
            gateway.cluster.seed-nodes = ["127.0.0.1:{{seed.Port}}"]
            """, database));
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (Akka.Cluster.Cluster.Get(a.System).State.Members.Count(m => m.Status == MemberStatus.Up) < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, "node-b never joined");
                await Task.Delay(100);
            }

            // Shards are not rebalanced onto a node that joins (see README, "Cluster internals"):
            // every request node-b makes crosses the network.
            var sentAt = DateTimeOffset.UtcNow;
            await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
                Assert.IsType<AutoClipRecorded>(await b.Actor<AutoClipRegion>().Ask<object>(new RecordAutoClip(Number(i), "gsm-1", $"user{i % 7}", sentAt), Wait))));
            Assert.Empty(await HostedBucketsAsync(b));
            var owners = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
                b.Actor<AutoClipRegion>().Ask<ReplyOwner>(new LookupReplyOwner(Number(i), "gsm-1"), Wait)));
            Assert.All(owners.Select((o, i) => (o, i)), p => Assert.Equal($"user{p.i % 7}", p.o.User));
            var list = await b.Actor<AutoClipRegion>().Ask<AutoClipList>(new ListAutoClip("+420777", "user3", null), Wait);
            Assert.Equal(0, list.BucketsUnanswered);
            Assert.Equal(Enumerable.Range(0, 200).Where(i => i % 7 == 3).Select(Number), list.Records.Select(r => r.Number));
        }
        finally
        {
            await a.DisposeAsync(); // leaves the cluster; its shards are handed over
        }

        // Every bucket now runs on node-b with the records node-a held.
        await AwaitAssertAsync(async () => Assert.Equal(AutoClipSharding.BucketCount, (await HostedBucketsAsync(b)).Count));
        var after = await b.Actor<AutoClipRegion>().Ask<AutoClipList>(new ListAutoClip(null, null, null), Wait);
        Assert.Equal(0, after.BucketsUnanswered);
        Assert.Equal(200, after.Matched);
        Assert.Equal("user5", (await b.Actor<AutoClipRegion>().Ask<ReplyOwner>(new LookupReplyOwner(Number(12), "gsm-1"), Wait)).User);
    }

    private static async Task AwaitAssertAsync(Func<Task> assertion)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
