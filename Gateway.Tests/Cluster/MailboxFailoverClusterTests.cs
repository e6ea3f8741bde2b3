using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Hosting;
using Gateway.Mailbox;
using Gateway.Modem;
using Gateway.Routing;
using Gateway.Sms;
using Gateway.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Gateway.Tests.Clustering; // not .Cluster: that would hide Akka's Cluster class from Gateway.Tests.*

/// <summary>
/// A node dies with queued jobs in mailboxes it hosts: two nodes in one cluster (two actor systems
/// in this process, one SQLite WAL file); node-b's actor system is stopped without leaving the
/// cluster (as a crash: no hand-off) and node-a downs it. The mailboxes are remembered entities,
/// so they start again on node-a at once and offer their jobs to node-a's router, which sends
/// every one through node-a's module, each exactly once (none was in flight at the crash).
/// </summary>
public class MailboxFailoverClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);
    private const string Phone = "+420777123456";
    private const string SimA = "+420600000001";
    private const string SimB = "+420600000002";
    private const int Users = 12;

    private static string NodeConfig(string node, string module, string sim, int? seedPort) => $$"""
        gateway.log.level = warning
        gateway.node.name = "{{node}}"
        {{(seedPort is { } p ? $"gateway.cluster.seed-nodes = [\"127.0.0.1:{p}\"]" : "")}}
        gateway.modules { {{module}} { node = "{{node}}", group = operator-a, transport = virtual, number = "{{sim}}" } }
        gateway.routing.outgoing = [ { users = ["*"], destinations = ["+420*"], groups = [operator-a] } ]
        gateway.routing.sending { no-module-wait = 120s }
        gateway.users {
          {{string.Join("\n", Enumerable.Range(0, Users).Select(i => $"u{i} {{ password-hash = \"{TestSettings.AliceHash}\", sms-groups = [operator-a] }}"))}}
        }
        """;

    /// <summary>
    /// Shards spread to node-b soon after it joins; node-b stops without leaving, as a crash does.
    /// The split-brain resolver's stable-after is shortened: until it has settled on the unreachable
    /// (already downed) node, the coordinator does not move that node's shards (about 20 s with the
    /// default).
    /// </summary>
    private static Action<AkkaConfigurationBuilder> AkkaSetup(bool crashes) => akka => akka.AddHocon(ConfigurationFactory.ParseString($$"""
        akka.cluster.sharding.rebalance-interval = 500ms
        akka.cluster.split-brain-resolver.stable-after = 2s
        {{(crashes ? "akka.coordinated-shutdown.run-by-actor-system-terminate = off\nakka.cluster.run-coordinated-shutdown-when-down = off" : "")}}
        {{NoFallbackSerializer.Hocon}}
        """), HoconAddMode.Prepend);

    private static OutgoingSms Job(string id, string user) =>
        new(id, user, Phone, "queued when node-b died: " + id, SmsCoding.Gsm7, 1, DateTimeOffset.UtcNow, null, null, []);

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what}: not within {Patience}");
            await Task.Delay(50);
        }
    }

    private static async Task<HashSet<string>> HostedMailboxesAsync(GatewayNode node)
    {
        var state = await node.Mailboxes.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, Patience);
        return state.Shards.SelectMany(s => s.EntityIds).ToHashSet();
    }

    private static async Task<OutgoingJobRecord> JobAsync(GatewayNode node, string user, string jobId) =>
        (await node.Mailboxes.Ask<OutgoingJobsResult>(new GetOutgoingJobs(user), Patience)).Jobs.Single(j => j.Job.JobId == jobId);

    private static async Task<RouterStatus> RouterAsync(GatewayNode node) => await node.Router.Ask<RouterStatus>(GetRouterStatus.Instance, Patience);

    [Fact]
    public async Task Jobs_queued_in_a_mailbox_on_a_node_that_crashes_are_sent_by_the_survivor_once_each()
    {
        var database = Path.Combine(Directory.CreateTempSubdirectory("gw-mailbox-failover-").FullName, "gateway.db");
        // node-b starts first, as a cluster of one, so it hosts the mailboxes (it wakes every user's at
        // start, and shards are not rebalanced onto node-a when it joins); then it crashes.
        var b = await GatewayNode.StartAsync(TestSettings.Gateway(NodeConfig("node-b", "gsm-b", SimB, null), database), configureAkka: AkkaSetup(crashes: true));
        var seed = global::Akka.Cluster.Cluster.Get(b.System).SelfAddress.Port!.Value;
        await using var a = await GatewayNode.StartAsync(TestSettings.Gateway(NodeConfig("node-a", "gsm-a", SimA, seed), database), configureAkka: AkkaSetup(crashes: false));
        try
        {
            await UntilAsync(() => Task.FromResult(global::Akka.Cluster.Cluster.Get(a.System).State.Members.Count(m => m.Status == MemberStatus.Up) == 2), "node-b joins");
            // No module anywhere can send, so the jobs below stay queued in their mailboxes.
            a.Network.Modem(SimA)!.Faults.NoNetwork = true;
            b.Network.Modem(SimB)!.Faults.NoNetwork = true;
            await UntilAsync(async () => (await RouterAsync(b)).Modules.Values.Count(m => m.Status is { Registered: false }) == 2, "node-b's router sees both modules unregistered");

            // Two users whose mailboxes live on node-b: the first two hosted there, still there a
            // second later. (Waiting for node-b's whole set to stay the same failed under a loaded
            // CI run, while mailboxes of other users were still being woken; only these two matter.)
            string[] users = [];
            await UntilAsync(async () =>
            {
                for (var i = 0; i < Users; i++) b.Mailboxes.Tell(new WakeMailbox($"u{i}"));
                var candidates = (await HostedMailboxesAsync(b)).Order().Take(2).ToArray();
                if (candidates.Length < 2) return false;
                await Task.Delay(1000);
                if (!(await HostedMailboxesAsync(b)).IsSupersetOf(candidates)) return false;
                users = candidates;
                return true;
            }, "two mailboxes settled on node-b");
            var jobs = users.SelectMany(u => Enumerable.Range(1, 2).Select(i => Job($"{u}-job-{i}", u))).ToArray();
            foreach (var byUser in jobs.GroupBy(j => j.User))
                Assert.IsType<OutgoingAccepted>(await b.Mailboxes.Ask<object>(new SubmitOutgoing(byUser.Key, Guid.NewGuid().ToString("N"), byUser.ToArray()), Patience));
            foreach (var job in jobs) Assert.Equal(JobState.Queued, (await JobAsync(b, job.User, job.JobId)).Status.State);
            Assert.Superset(users.ToHashSet(), await HostedMailboxesAsync(b)); // still there at the crash

            // node-b crashes (no leave, no hand-off), node-a downs it.
            var bAddress = global::Akka.Cluster.Cluster.Get(b.System).SelfAddress;
            await b.System.Terminate();
            global::Akka.Cluster.Cluster.Get(a.System).Down(bAddress);
            var watch = Stopwatch.StartNew();
            await UntilAsync(() => Task.FromResult(global::Akka.Cluster.Cluster.Get(a.System).State.Members.All(m => m.Address != bAddress)), "node-b removed");
            output.WriteLine($"node-b removed {watch.ElapsedMilliseconds} ms after the down");

            // The mailboxes come back on node-a by themselves (no message is sent to them here).
            await UntilAsync(async () => (await HostedMailboxesAsync(a)).IsSupersetOf(users), "the crashed node's mailboxes start on node-a");
            output.WriteLine($"mailboxes {string.Join(", ", users)} running on node-a {watch.ElapsedMilliseconds} ms after the down");
            Assert.Equal(ModuleState.Down, (await RouterAsync(a)).Modules["gsm-b"].Status?.State);

            a.Network.Modem(SimA)!.Faults.NoNetwork = false;
            using (var cts = new CancellationTokenSource(Patience))
                await a.Network.Phone(Phone).WaitForInboxAsync(jobs.Length, cts.Token);
            output.WriteLine($"all {jobs.Length} jobs at the phone {watch.ElapsedMilliseconds} ms after the down");
            foreach (var job in jobs)
            {
                // Seen once on a loaded CI machine: every SMS at the phone, one job's "sent" record still
                // missing after 45 s (open question; the history in the message says where it stood).
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
                OutgoingJobRecord record;
                while ((record = await JobAsync(a, job.User, job.JobId)).Status.State != JobState.Sent)
                {
                    Assert.True(DateTime.UtcNow < deadline, $"{job.JobId} not recorded sent within 90 s: {string.Join(" → ", record.History)}");
                    await Task.Delay(50);
                }
                Assert.Equal("gsm-a", (await JobAsync(a, job.User, job.JobId)).Status.Module);
            }
            // Each exactly once: none was in flight when node-b died.
            Assert.Equal(jobs.Select(j => j.Text).Order(), a.Network.Phone(Phone).Inbox.Select(m => m.Text).Order());
            Assert.Empty(NoFallbackSerializer.Refused);
        }
        finally
        {
            await b.DisposeAsync();
        }
    }
}
