using System.Collections.Immutable;
using Akka.Actor;
using Gateway.Modem;
using Gateway.Routing;

namespace Gateway.Clustering;

/// <summary>
/// The modules of the whole cluster as a router reaches them. This node's modules are followed
/// and sent to through its own modem bank, exactly as on a single node (no extra hop); the other
/// nodes' modules through the node's <see cref="ModuleRegistry"/>, which publishes their statuses
/// (<see cref="RemoteModuleStatus"/>, <see cref="ModuleWithdrawn"/>) and forwards sends to the
/// owning node's bank, whose module answers the job actor directly across the network.
/// </summary>
public sealed class ClusterModuleNetwork(IActorRef bank, IActorRef registry, IEnumerable<string> localModules) : IModuleNetwork
{
    private readonly ImmutableHashSet<string> _local = localModules.ToImmutableHashSet(StringComparer.Ordinal);

    public void Subscribe(IActorRef subscriber)
    {
        bank.Tell(new SubscribeModuleStatus(subscriber), subscriber);
        registry.Tell(new SubscribeClusterModules(subscriber), subscriber);
    }

    public IActorRef SendTarget(string module) => _local.Contains(module) ? bank : registry;
}
