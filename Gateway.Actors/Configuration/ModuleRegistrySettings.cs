namespace Gateway.Configuration;

/// <summary>
/// <c>gateway.cluster.module-registry</c>: how fast the nodes learn of each other's modules
/// (Distributed Data under the hood). A module's change reaches the other nodes' routers within
/// about <see cref="GossipInterval"/> / 5 + 2 × <see cref="NotifyInterval"/>.
/// </summary>
/// <param name="GossipInterval">Full gossip of the replicated data; changes themselves go as deltas every fifth of it (at least 200 ms). Default 1s.</param>
/// <param name="NotifyInterval">How often a node tells its router about replicated changes, and gathers its own modules' changes before writing them. Default 100ms.</param>
/// <param name="RepublishInterval">How often a node writes its modules again even when unchanged (heals a node's entries removed while it was thought gone). Default 10s.</param>
public sealed record ModuleRegistrySettings(TimeSpan GossipInterval, TimeSpan NotifyInterval, TimeSpan RepublishInterval)
{
    public static ModuleRegistrySettings Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10));

    internal static ModuleRegistrySettings Read(ConfigReader r) => new(
        r.Duration("gossip-interval", Default.GossipInterval, min: TimeSpan.FromMilliseconds(10)),
        r.Duration("notify-interval", Default.NotifyInterval, min: TimeSpan.FromMilliseconds(10)),
        r.Duration("republish-interval", Default.RepublishInterval, min: TimeSpan.FromMilliseconds(100)));

    /// <summary>The Akka settings these come down to.</summary>
    public string Hocon => $$"""
        akka.cluster.distributed-data {
          gossip-interval = {{(long)GossipInterval.TotalMilliseconds}}ms
          notify-subscribers-interval = {{(long)NotifyInterval.TotalMilliseconds}}ms
        }
        """;
}
