using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Gateway.Clustering;
using Gateway.Configuration;
using Gateway.Modem;
using Xunit;

namespace Gateway.Tests.Clustering; // not .Cluster: that would hide Akka's Cluster class from Gateway.Tests.*

/// <summary>
/// The registry on a cluster of one, with a test probe as its modem bank: it follows the bank,
/// publishes the bank's modules, forwards sends for them to the bank, and answers a send for a
/// module that is nowhere in the cluster with a retryable failure at once (the job tries another).
/// </summary>
public class ModuleRegistryTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);

    public ModuleRegistryTests() : base(ConfigurationFactory.ParseString($$"""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.loglevel = WARNING
        {{ModuleRegistrySerializer.Hocon}}
        {{ModemSerializer.Hocon}}
        {{ModuleRegistrySettings.Default.Hocon}}
        """))
    {
        var cluster = global::Akka.Cluster.Cluster.Get(Sys);
        cluster.Join(cluster.SelfAddress);
    }

    private static ModuleSettings Module(string name) =>
        new(name, "node-a", "operator-a", ModuleTransport.Virtual, "", 0, "", 0, null, "+420600000001", ModuleLimits.None);

    private static ModuleStatus Ready(string module, int queue = 0) =>
        new(module, "virtual", ModuleState.Ready, At, true, 20, -73, "Virtual", queue, 0, 0, null);

    [Fact]
    public async Task It_publishes_the_banks_modules_and_forwards_sends_for_them_to_the_bank()
    {
        var bank = CreateTestProbe();
        var registry = Sys.ActorOf(ModuleRegistry.Props("node-a", [Module("gsm-1")], bank.Ref, ModuleRegistrySettings.Default));
        var subscribe = await bank.ExpectMsgAsync<SubscribeModuleStatus>();
        Assert.Equal(registry, subscribe.Subscriber);

        registry.Tell(Ready("gsm-1", queue: 2), bank.Ref);
        await AwaitAssertAsync(async () =>
        {
            var all = await registry.Ask<ClusterModules>(GetClusterModules.Instance, TimeSpan.FromSeconds(3));
            var entry = all.Modules["gsm-1"];
            Assert.Equal(("operator-a", "node-a", bank.Ref, 2), (entry.Group, entry.Node, entry.Bank, entry.Status.QueueLength));
        });

        var job = CreateTestProbe();
        var send = new SendSms("gsm-1", "job-1", []);
        registry.Tell(send, job.Ref);
        Assert.Equal(send, await bank.ExpectMsgAsync<SendSms>());
        Assert.Equal(job.Ref, bank.LastSender); // the module answers the job directly
    }

    [Fact]
    public async Task A_send_for_a_module_not_in_the_cluster_fails_at_once_and_may_be_retried_elsewhere()
    {
        var bank = CreateTestProbe();
        var registry = Sys.ActorOf(ModuleRegistry.Props("node-a", [Module("gsm-1")], bank.Ref, ModuleRegistrySettings.Default));
        var job = CreateTestProbe();
        registry.Tell(new SendSms("gsm-9", "job-1", []), job.Ref);
        var failed = await job.ExpectMsgAsync<SmsSendFailed>();
        Assert.True(failed.Retryable);
        Assert.Equal(("gsm-9", "job-1", 0), (failed.Module, failed.JobId, failed.PartsSent));
        Assert.Contains("not in the cluster", failed.Reason);
    }

    [Fact]
    public async Task A_subscriber_hears_nothing_of_this_nodes_own_modules_from_the_registry()
    {
        // The router hears of its own node's modules from the bank directly (no extra hop).
        var bank = CreateTestProbe();
        var registry = Sys.ActorOf(ModuleRegistry.Props("node-a", [Module("gsm-1")], bank.Ref, ModuleRegistrySettings.Default));
        var router = CreateTestProbe();
        registry.Tell(new SubscribeClusterModules(router.Ref));
        registry.Tell(Ready("gsm-1"), bank.Ref);
        await AwaitAssertAsync(async () =>
            Assert.True((await registry.Ask<ClusterModules>(GetClusterModules.Instance, TimeSpan.FromSeconds(3))).Modules.ContainsKey("gsm-1")));
        await router.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }
}
