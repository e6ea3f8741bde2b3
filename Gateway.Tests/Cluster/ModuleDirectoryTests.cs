using Akka.Actor;
using Gateway.Clustering;
using Gateway.Modem;
using Xunit;

namespace Gateway.Tests.Clustering; // not .Cluster: that would hide Akka's Cluster class from Gateway.Tests.*

/// <summary>The registry's pure part: which other nodes' modules are in routing, and what to tell the router when that changes.</summary>
public class ModuleDirectoryTests
{
    private const string Self = "akka.tcp://gateway@127.0.0.1:4053";
    private const string B = "akka.tcp://gateway@127.0.0.1:4054";
    private const string C = "akka.tcp://gateway@127.0.0.1:4055";
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);

    private static ModuleEntry Entry(string module, string address, int queue = 0, string node = "node-x") =>
        new(module, "operator-a", node, address, ActorRefs.Nobody,
            new ModuleStatus(module, "virtual", ModuleState.Ready, Now, true, 20, -73, "Virtual", queue, 0, 0, null));

    [Fact]
    public void Only_other_reachable_nodes_modules_are_visible()
    {
        var d = ModuleDirectory.Empty(Self).WithEntries([Entry("a1", Self), Entry("b1", B), Entry("c1", C)]);
        Assert.Equal(["b1", "c1"], d.Visible.Keys);
        Assert.Equal(["c1"], d.NodeOut(B, "unreachable").Visible.Keys);
        Assert.Equal(["b1", "c1"], d.NodeOut(B, "unreachable").NodeBack(B).Visible.Keys);
    }

    [Fact]
    public void A_new_or_changed_module_is_announced_and_an_unchanged_one_is_not()
    {
        var before = ModuleDirectory.Empty(Self).WithEntries([Entry("b1", B), Entry("b2", B)]);
        var after = before.WithEntries([Entry("b1", B), Entry("b2", B, queue: 2), Entry("c1", C)]);
        var changes = after.ChangesSince(before);
        Assert.Equal(["b2", "c1"], changes.Cast<RemoteModuleStatus>().Select(c => c.Status.Module).Order());
        Assert.Equal(2, changes.Cast<RemoteModuleStatus>().Single(c => c.Status.Module == "b2").Status.QueueLength);
        Assert.Empty(after.ChangesSince(after));
    }

    [Fact]
    public void A_node_that_goes_out_has_its_modules_withdrawn_at_once_with_the_reason()
    {
        var before = ModuleDirectory.Empty(Self).WithEntries([Entry("b1", B, node: "node-b"), Entry("b2", B, node: "node-b"), Entry("c1", C)]);
        var after = before.NodeOut(B, "node akka.tcp://gateway@127.0.0.1:4054 was downed");
        var withdrawn = after.ChangesSince(before).Cast<ModuleWithdrawn>().OrderBy(w => w.Module).ToArray();
        Assert.Equal(["b1", "b2"], withdrawn.Select(w => w.Module));
        Assert.All(withdrawn, w => Assert.Equal(("node-b", "node akka.tcp://gateway@127.0.0.1:4054 was downed"), (w.Node, w.Reason)));
        // Back again: announced again.
        Assert.Equal(["b1", "b2"], after.NodeBack(B).ChangesSince(after).Cast<RemoteModuleStatus>().Select(c => c.Status.Module).Order());
    }

    [Fact]
    public void A_module_that_leaves_the_map_is_withdrawn()
    {
        var before = ModuleDirectory.Empty(Self).WithEntries([Entry("b1", B), Entry("b2", B)]);
        var w = Assert.IsType<ModuleWithdrawn>(Assert.Single(before.WithEntries([Entry("b1", B)]).ChangesSince(before)));
        Assert.Equal(("b2", "no longer published by its node"), (w.Module, w.Reason));
    }
}
