using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;
using Gateway.Clustering;
using Xunit;

namespace Gateway.Tests.Clustering;

/// <summary>The compatibility check's messages cross the network through their own serializer, never a fallback.</summary>
public sealed class NodeCompatibilitySerializerTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("serializer", ConfigurationFactory.ParseString(NodeCompatibilitySerializer.Hocon));

    public static TheoryData<object> Messages() =>
    [
        new CheckCompatibility(new NodeFingerprint("node-b",
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("gateway.mail.domain", "sms.example.net"), KeyValuePair.Create("gateway.users", "00ff")]),
            ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("gsm-b1", "+420600000002"), KeyValuePair.Create("gsm-b2", "")]))),
        new CompatibilityConfirmed("node-a"),
        new CompatibilityRefused("node-a", ["gateway.mail.domain differs", "gateway.modules.gsm-1: žluťoučký kůň"]),
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Each_message_survives_a_round_trip_through_the_bound_serializer(object message)
    {
        var serialization = _system.Serialization;
        var serializer = serialization.FindSerializerFor(message);
        Assert.IsType<NodeCompatibilitySerializer>(serializer);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        var back = serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);
        // Records with immutable collections compare by reference: compare what they hold.
        switch (message)
        {
            case CheckCompatibility c:
                var d = Assert.IsType<CheckCompatibility>(back);
                Assert.Equal(c.Joining.NodeName, d.Joining.NodeName);
                Assert.Equal(c.Joining.Shared, d.Joining.Shared);
                Assert.Equal(c.Joining.Modules, d.Joining.Modules);
                break;
            case CompatibilityRefused r:
                Assert.Equal(r.Problems.ToArray(), Assert.IsType<CompatibilityRefused>(back).Problems.ToArray());
                Assert.Equal(r.NodeName, ((CompatibilityRefused)back).NodeName);
                break;
            default:
                Assert.Equal(message, back);
                break;
        }
    }

    [Fact]
    public void Garbage_is_refused_with_a_serialization_error_not_a_huge_allocation()
    {
        var serializer = new NodeCompatibilitySerializer((ExtendedActorSystem)_system);
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([0x01, 0x41, 0xFF, 0xFF, 0xFF, 0xFF, 0x07], "R2"));
        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary([], "X9"));
    }

    public void Dispose() => _system.Dispose();
}
