using System.Collections.Immutable;
using Akka.Actor;
using Gateway.Modem;

// Namespace Gateway.Clustering, not Gateway.Cluster: a Gateway.Cluster namespace would hide
// Akka's Cluster class (Cluster.Get) from every file under Gateway.*.
namespace Gateway.Clustering;

// The messages of the cluster-wide module registry: every node's modem bank publishes its
// modules there (Distributed Data), and every node's SMS router learns of the other nodes'
// modules from its own node's registry. Send them to the registry (ActorRegistry key
// ModuleRegistryKey).

/// <summary>
/// Marks every type the module registry keeps in Distributed Data or sends to other actors; bound
/// to <see cref="ModuleRegistrySerializer"/>, never to a reflection-based default.
/// </summary>
public interface IModuleRegistrySerializable;

/// <summary>
/// One module as the cluster knows it: its group, the node that drives it (name for people, the
/// node's cluster address for membership), where sends for it go (that node's modem bank), and its
/// latest status. The value of the registry's replicated map, keyed by module name.
/// </summary>
/// <param name="NodeAddress">The owning node's cluster address (<c>akka.tcp://gateway@host:port</c>).</param>
/// <param name="Router">The owning node's SMS router, which keeps the module's sent-parts index (status reports are matched there); null if it has none.</param>
public sealed record ModuleEntry(string Module, string Group, string Node, string NodeAddress, IActorRef Bank, ModuleStatus Status, IActorRef? Router = null) : IModuleRegistrySerializable;

/// <summary>
/// <see cref="Subscriber"/> gets a <see cref="RemoteModuleStatus"/> for every module of another
/// node now in routing and on every change, and a <see cref="ModuleWithdrawn"/> when one is taken
/// out (its node left, was downed, or is unreachable). Its own node's modules it hears of from its
/// bank. A subscriber that stops is removed.
/// </summary>
public sealed record SubscribeClusterModules(IActorRef Subscriber) : IModuleRegistrySerializable;

/// <summary>
/// The status of <see cref="Status"/>'s module, driven by another node (<see cref="Node"/>), in SMS
/// group <see cref="Group"/>. <see cref="Router"/>: that node's SMS router, where the parts sent
/// through the module are recorded so its status reports find their jobs.
/// </summary>
public sealed record RemoteModuleStatus(string Group, string Node, ModuleStatus Status, IActorRef? Router = null) : IModuleRegistrySerializable;

/// <summary><see cref="Module"/> is out of routing: its node <see cref="Node"/> left, was downed or is unreachable (<see cref="Reason"/>).</summary>
public sealed record ModuleWithdrawn(string Module, string Node, string Reason) : IModuleRegistrySerializable;

/// <summary>Asks the registry for the modules in routing now, of every node; answered with <see cref="ClusterModules"/>.</summary>
public sealed class GetClusterModules : IModuleRegistrySerializable
{
    public static GetClusterModules Instance { get; } = new();

    private GetClusterModules() { }
}

/// <summary>The modules in routing, by name (this node's and the reachable nodes' ones).</summary>
public sealed record ClusterModules(ImmutableSortedDictionary<string, ModuleEntry> Modules) : IModuleRegistrySerializable;

/// <summary>Key for the node's module registry in Akka.Hosting's ActorRegistry.</summary>
public sealed class ModuleRegistryKey;
