using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Gateway.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace Gateway.Clustering;

/// <summary>
/// Binary form of the compatibility check's messages (<see cref="INodeCompatibilityMessage"/>):
/// strings and counts, nothing else. Never journaled, but the id is still fixed.
/// </summary>
public sealed class NodeCompatibilitySerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>This serializer's id in <c>akka.actor.serialization-identifiers</c>.</summary>
    public const int Id = 4150;

    /// <summary>Binds this serializer to <see cref="INodeCompatibilityMessage"/>.</summary>
    public const string Hocon = """
        akka.actor {
          serializers.gateway-node-compatibility = "Gateway.Clustering.NodeCompatibilitySerializer, Gateway.Actors"
          serialization-bindings { "Gateway.Clustering.INodeCompatibilityMessage, Gateway.Actors" = gateway-node-compatibility }
          serialization-identifiers { "Gateway.Clustering.NodeCompatibilitySerializer, Gateway.Actors" = 4150 }
        }
        """;

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        CheckCompatibility => "C1",
        CompatibilityConfirmed => "R1",
        CompatibilityRefused => "R2",
        _ => throw new ArgumentException($"{o.GetType()} is not written by {nameof(NodeCompatibilitySerializer)}", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream(256);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case CheckCompatibility c:
                    w.Write(c.Joining.NodeName);
                    WriteMap(w, c.Joining.Shared);
                    WriteMap(w, c.Joining.Modules);
                    break;
                case CompatibilityConfirmed c:
                    w.Write(c.NodeName);
                    break;
                case CompatibilityRefused r:
                    w.Write(r.NodeName);
                    w.WriteStrings(r.Problems);
                    break;
                default:
                    throw new ArgumentException($"{obj.GetType()} is not written by {nameof(NodeCompatibilitySerializer)}", nameof(obj));
            }
        }
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        return manifest switch
        {
            "C1" => new CheckCompatibility(new NodeFingerprint(r.ReadString(), ReadMap(r), ReadMap(r))),
            "R1" => new CompatibilityConfirmed(r.ReadString()),
            "R2" => new CompatibilityRefused(r.ReadString(), r.ReadStrings()),
            _ => throw new SerializationException($"unknown manifest \"{manifest}\" for {nameof(NodeCompatibilitySerializer)}"),
        };
    }

    private static void WriteMap(BinaryWriter w, ImmutableSortedDictionary<string, string> map)
    {
        w.Write7BitEncodedInt(map.Count);
        foreach (var (k, v) in map)
        {
            w.Write(k);
            w.Write(v);
        }
    }

    private static ImmutableSortedDictionary<string, string> ReadMap(BinaryReader r)
    {
        var count = r.ReadCount();
        var builder = ImmutableSortedDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++) builder[r.ReadString()] = r.ReadString();
        return builder.ToImmutable();
    }
}
