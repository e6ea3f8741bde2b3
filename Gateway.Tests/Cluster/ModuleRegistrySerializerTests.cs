using System.Collections.Immutable;
using Akka.Configuration;
using Gateway.Clustering;
using Gateway.Modem;
using Xunit;

namespace Gateway.Tests.Clustering; // not .Cluster: that would hide Akka's Cluster class from Gateway.Tests.*

/// <summary>The registry's replicated entries and messages come back from its serializer as they were written.</summary>
public class ModuleRegistrySerializerTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly DateTimeOffset At = new(2026, 11, 26, 3, 0, 0, TimeSpan.FromHours(1));

    public ModuleRegistrySerializerTests() : base(ConfigurationFactory.ParseString(ModuleRegistrySerializer.Hocon + "\n" + ModemSerializer.Hocon)) { }

    private T RoundTrip<T>(T o) where T : notnull
    {
        var serializer = Sys.Serialization.FindSerializerFor(o);
        Assert.IsType<ModuleRegistrySerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, o);
        return Assert.IsType<T>(Sys.Serialization.Deserialize(serializer.ToBinary(o), serializer.Identifier, manifest));
    }

    private static ModuleStatus Status(string module) =>
        new(module, "virtual +420600000001", ModuleState.Ready, At, true, 20, -73, "Virtual", 2, 1, 0, null, Usage: new ModuleUsageStatus(1, 2, 3, 4, null));

    [Fact]
    public void Entries_and_messages_come_back_whole_with_their_actor_references()
    {
        var bank = CreateTestProbe().Ref;
        var entry = new ModuleEntry("gsm-1", "operator-a", "node-b", "akka.tcp://gateway@127.0.0.1:4054", bank, Status("gsm-1"));
        Assert.Equal(entry, RoundTrip(entry));
        var router = CreateTestProbe().Ref;
        Assert.Equal(entry with { Router = router }, RoundTrip(entry with { Router = router }));
        Assert.Equal(router, RoundTrip(new RemoteModuleStatus("operator-a", "node-b", Status("gsm-2"), router)).Router);
        Assert.Equal(new RemoteModuleStatus("operator-a", "node-b", Status("gsm-2")), RoundTrip(new RemoteModuleStatus("operator-a", "node-b", Status("gsm-2"))));
        Assert.Equal(new ModuleWithdrawn("gsm-1", "node-b", "downed"), RoundTrip(new ModuleWithdrawn("gsm-1", "node-b", "downed")));
        Assert.Equal(bank, RoundTrip(new SubscribeClusterModules(bank)).Subscriber);
        Assert.Same(GetClusterModules.Instance, RoundTrip(GetClusterModules.Instance));
        var all = new ClusterModules(ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("gsm-1", entry)]));
        Assert.Equal(all.Modules.ToArray(), RoundTrip(all).Modules.ToArray());
    }

    [Fact]
    public void An_unknown_manifest_is_a_clear_error()
    {
        var serializer = new ModuleRegistrySerializer((Akka.Actor.ExtendedActorSystem)Sys);
        var e = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([], "Q7"));
        Assert.Contains("Q7", e.Message);
    }
}
