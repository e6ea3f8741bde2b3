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
/// Two gateway nodes in one cluster (two actor systems in this process, one SQLite WAL file), each
/// with its own virtual modem bank and only its own module in its configuration: each router
/// learns of the other node's module from the cluster's module registry, sends through it and
/// gets the delivery report that arrives on the other node (the
/// send and its answer cross remoting with no fallback serializer, so every message on the way
/// must have a serializer of ours or Akka's), loses it the moment its node goes, and a node that dies with
/// queued jobs has them sent by the survivor.
/// </summary>
public class ModuleRegistryClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private const string Phone = "+420777123456";
    private const string SimA = "+420600000001";
    private const string SimB = "+420600000002";

    private static string NodeConfig(string node, string module, string sim, int? seedPort, string extra = "") => $$"""
        gateway.log.level = warning
        gateway.node.name = "{{node}}"
        {{(seedPort is { } p ? $"gateway.cluster.seed-nodes = [\"127.0.0.1:{p}\"]" : "")}}
        gateway.modules { {{module}} { node = "{{node}}", group = operator-a, transport = virtual, number = "{{sim}}" } }
        gateway.routing.outgoing = [ { users = ["*"], destinations = ["+420*"], groups = [operator-a] } ]
        gateway.routing.sending { no-module-wait = 60s }
        gateway.users {
          {{string.Join("\n", Enumerable.Range(0, 12).Select(i => $"u{i} {{ password-hash = \"{TestSettings.AliceHash}\", sms-groups = [operator-a] }}"))}}
        }
        {{extra}}
        """;

    private static Action<AkkaConfigurationBuilder> Akka(string hocon) => akka => akka.AddHocon(ConfigurationFactory.ParseString(hocon), HoconAddMode.Prepend);

    /// <summary>A message without a serializer of its own cannot cross the network (see <see cref="NoFallbackSerializer"/>).</summary>
    private const string NoFallback = NoFallbackSerializer.Hocon;

    private static OutgoingSms Job(string id, string user, string text) =>
        new(id, user, Phone, text, SmsCoding.Gsm7, 1, DateTimeOffset.UtcNow, null, "subject of " + id, []);

    private static async Task SubmitAsync(GatewayNode node, params OutgoingSms[] jobs)
    {
        foreach (var byUser in jobs.GroupBy(j => j.User))
            Assert.IsType<OutgoingAccepted>(await node.Mailboxes.Ask<object>(new SubmitOutgoing(byUser.Key, Guid.NewGuid().ToString("N"), byUser.ToArray()), Patience));
    }

    private static async Task<OutgoingJobRecord> JobAsync(GatewayNode node, string user, string jobId) =>
        (await node.Mailboxes.Ask<OutgoingJobsResult>(new GetOutgoingJobs(user), Patience)).Jobs.Single(j => j.Job.JobId == jobId);

    private static async Task<RouterStatus> RouterAsync(GatewayNode node) => await node.Router.Ask<RouterStatus>(GetRouterStatus.Instance, Patience);

    private static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what}: not within {Patience}");
            await Task.Delay(20);
        }
    }

    private static async Task<(GatewayNode A, GatewayNode B)> StartPairAsync(string database, string akkaA = "", string akkaB = "", string extraA = "", string extraB = "")
    {
        var a = await GatewayNode.StartAsync(TestSettings.Gateway(NodeConfig("node-a", "gsm-a", SimA, null, extraA), database), configureAkka: Akka(akkaA));
        var seed = global::Akka.Cluster.Cluster.Get(a.System).SelfAddress.Port!.Value;
        var b = await GatewayNode.StartAsync(TestSettings.Gateway(NodeConfig("node-b", "gsm-b", SimB, seed, extraB), database), configureAkka: Akka(akkaB));
        await UntilAsync(() => Task.FromResult(global::Akka.Cluster.Cluster.Get(a.System).State.Members.Count(m => m.Status == MemberStatus.Up) == 2), "node-b joins");
        return (a, b);
    }

    private static bool ReadyOn(RouterStatus status, string module) =>
        status.Modules.TryGetValue(module, out var view) && view.Status is { State: ModuleState.Ready, Registered: true };

    [Fact]
    public async Task A_router_sends_through_the_other_nodes_module_follows_its_status_and_drops_it_when_that_node_leaves()
    {
        var database = Path.Combine(Directory.CreateTempSubdirectory("gw-registry-cluster-").FullName, "gateway.db");
        var (a, b) = await StartPairAsync(database, NoFallback, NoFallback);
        var bLeft = false;
        try
        {
            // Each router learns of the other node's module, which its own configuration does not name.
            await UntilAsync(async () => ReadyOn(await RouterAsync(a), "gsm-b") && ReadyOn(await RouterAsync(a), "gsm-a"), "node-a's router sees gsm-b ready");
            await UntilAsync(async () => ReadyOn(await RouterAsync(b), "gsm-a"), "node-b's router sees gsm-a ready");
            Assert.False((await RouterAsync(a)).Modules["gsm-b"].Local);
            Assert.True((await RouterAsync(a)).Modules["gsm-a"].Local);

            // A change on node-b reaches node-a's router (the figure is printed; the bound is the test's patience).
            var watch = Stopwatch.StartNew();
            b.Network.Modem(SimB)!.Faults.NoNetwork = true;
            await UntilAsync(async () => (await RouterAsync(a)).Modules["gsm-b"].Status is { Registered: false }, "node-a sees gsm-b lose the network");
            output.WriteLine($"gsm-b's loss of network seen by node-a's router after {watch.ElapsedMilliseconds} ms (includes the modem noticing)");
            b.Network.Modem(SimB)!.Faults.NoNetwork = false;
            await UntilAsync(async () => ReadyOn(await RouterAsync(a), "gsm-b"), "node-a sees gsm-b back");

            // node-a's own module has no network: the job submitted on node-a leaves through node-b's module.
            a.Network.Modem(SimA)!.Faults.NoNetwork = true;
            await UntilAsync(async () => (await RouterAsync(a)).Modules["gsm-a"].Status is { Registered: false }, "node-a's router sees gsm-a unregistered");
            await SubmitAsync(a, Job("job-1", "alice", "through node-b"));
            await UntilAsync(async () => (await JobAsync(a, "alice", "job-1")).Status.State == JobState.Sent, "job-1 sent");
            Assert.Equal("gsm-b", (await JobAsync(a, "alice", "job-1")).Status.Module);
            using (var cts = new CancellationTokenSource(Patience))
                Assert.Equal(SimB, Assert.Single(await b.Network.Phone(Phone).WaitForInboxAsync(1, cts.Token)).From);
            Assert.Empty(a.Network.Phone(Phone).Inbox);
            // Its status report arrives on node-b's module and finds the job: the parts were recorded with node-b's router.
            await UntilAsync(async () => (await JobAsync(a, "alice", "job-1")).Status.State == JobState.Delivered, "job-1 delivered");

            // node-b leaves: its module is out of node-a's routing at once, with the reason.
            a.Network.Modem(SimA)!.Faults.NoNetwork = false;
            await UntilAsync(async () => ReadyOn(await RouterAsync(a), "gsm-a"), "gsm-a back");
            var leaving = b.DisposeAsync();
            bLeft = true;
            await UntilAsync(async () => (await RouterAsync(a)).Modules["gsm-b"].Status is { State: ModuleState.Down }, "gsm-b withdrawn on node-a");
            Assert.Contains("node", (await RouterAsync(a)).Modules["gsm-b"].Status!.LastError);
            await leaving;

            await SubmitAsync(a, Job("job-2", "alice", "through node-a"));
            await UntilAsync(async () => (await JobAsync(a, "alice", "job-2")).Status.State == JobState.Sent, "job-2 sent");
            Assert.Equal("gsm-a", (await JobAsync(a, "alice", "job-2")).Status.Module);
            Assert.Empty(NoFallbackSerializer.Refused);
        }
        finally
        {
            if (!bLeft) await b.DisposeAsync();
            await a.DisposeAsync();
        }
    }
}
