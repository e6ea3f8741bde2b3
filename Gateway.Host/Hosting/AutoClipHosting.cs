using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Akka.Hosting;
using Gateway.AutoClip;
using Gateway.Configuration;

namespace Gateway.Host.Hosting;

/// <summary>
/// Wiring for AutoCLIP: the serializer binding, the shard region of the
/// <see cref="AutoClipSharding.BucketCount"/> buckets (registered as <see cref="AutoClipBuckets"/>),
/// and this node's <see cref="AutoClipFront"/> (registered as <see cref="AutoClipRegion"/>: the
/// address the SMS routers and operators use). Buckets are never passivated (their expiry timers
/// must run) and sharding remembers them (event-sourced, in the same journal), so when a node
/// leaves (or is downed after a crash) its buckets start again on another node at once, not at
/// the next request.
/// </summary>
public static class AutoClipHosting
{
    public static AkkaConfigurationBuilder WithAutoClip(this AkkaConfigurationBuilder akka, GatewaySettings settings, TimeProvider? time = null)
    {
        akka.AddHocon(ConfigurationFactory.ParseString(AutoClipSerializer.Hocon), HoconAddMode.Prepend);
        akka.WithShardRegion<AutoClipBuckets>(
            AutoClipSharding.TypeName,
            AutoClipSharding.EntityProps(settings.AutoClip, time),
            AutoClipSharding.Extractor,
            new ShardOptions
            {
                ShouldPassivateIdleEntities = false,
                RememberEntities = true,
                RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
                HandOffStopMessage = AutoClipBucket.StopBucket.Instance,
            });
        return akka.WithActors((system, registry) =>
            registry.Register<AutoClipRegion>(system.ActorOf(AutoClipFront.Props(registry.Get<AutoClipBuckets>(), settings.AutoClip.QueryTimeout), "autoclip")));
    }
}
