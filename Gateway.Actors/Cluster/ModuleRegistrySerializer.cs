using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Gateway.Modem;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace Gateway.Clustering;

/// <summary>
/// Compact binary form of every <see cref="IModuleRegistrySerializable"/>: the replicated map's
/// values (<see cref="ModuleEntry"/>, gossiped between nodes) and the registry's messages. Module
/// statuses are written as the modem serializer writes them; actor references as their full
/// path, resolved by the receiving system. Bound in HOCON (<see cref="Hocon"/>).
/// </summary>
public sealed class ModuleRegistrySerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>This serializer's id in <c>akka.actor.serialization-identifiers</c>; never change it.</summary>
    public const int Id = 4140;

    /// <summary>Binds this serializer to <see cref="IModuleRegistrySerializable"/>.</summary>
    public const string Hocon = """
        akka.actor {
          serializers.gateway-module-registry = "Gateway.Clustering.ModuleRegistrySerializer, Gateway.Actors"
          serialization-bindings { "Gateway.Clustering.IModuleRegistrySerializable, Gateway.Actors" = gateway-module-registry }
          serialization-identifiers { "Gateway.Clustering.ModuleRegistrySerializer, Gateway.Actors" = 4140 }
        }
        """;

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        ModuleEntry => "E1",
        SubscribeClusterModules => "S1",
        RemoteModuleStatus => "R1",
        ModuleWithdrawn => "W1",
        GetClusterModules => "G1",
        ClusterModules => "M1",
        _ => throw new ArgumentException($"{o.GetType()} is not written by {nameof(ModuleRegistrySerializer)}", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream(256);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case ModuleEntry e:
                    WriteEntry(w, e);
                    break;
                case SubscribeClusterModules s:
                    w.Write(Akka.Serialization.Serialization.SerializedActorPath(s.Subscriber));
                    break;
                case RemoteModuleStatus r:
                    w.Write(r.Group);
                    w.Write(r.Node);
                    ModemSerializer.WriteStatus(w, r.Status);
                    WriteOptionalRef(w, r.Router);
                    break;
                case ModuleWithdrawn m:
                    w.Write(m.Module);
                    w.Write(m.Node);
                    w.Write(m.Reason);
                    break;
                case GetClusterModules:
                    break;
                case ClusterModules c:
                    w.Write7BitEncodedInt(c.Modules.Count);
                    foreach (var e in c.Modules.Values) WriteEntry(w, e);
                    break;
                default:
                    throw new ArgumentException($"{obj.GetType()} is not written by {nameof(ModuleRegistrySerializer)}", nameof(obj));
            }
        }
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        switch (manifest)
        {
            case "E1": return ReadEntry(r);
            case "S1": return new SubscribeClusterModules(Resolve(r.ReadString()));
            case "R1": return new RemoteModuleStatus(r.ReadString(), r.ReadString(), ModemSerializer.ReadStatus(r), ReadOptionalRef(r));
            case "W1": return new ModuleWithdrawn(r.ReadString(), r.ReadString(), r.ReadString());
            case "G1": return GetClusterModules.Instance;
            case "M1":
                var builder = ImmutableSortedDictionary.CreateBuilder<string, ModuleEntry>(StringComparer.Ordinal);
                for (int i = 0, n = r.Read7BitEncodedInt(); i < n; i++)
                {
                    var e = ReadEntry(r);
                    builder[e.Module] = e;
                }
                return new ClusterModules(builder.ToImmutable());
            default:
                throw new SerializationException($"unknown manifest \"{manifest}\" for {nameof(ModuleRegistrySerializer)}");
        }
    }

    private IActorRef Resolve(string path) => system.Provider.ResolveActorRef(path);

    private static void WriteEntry(BinaryWriter w, ModuleEntry e)
    {
        w.Write(e.Module);
        w.Write(e.Group);
        w.Write(e.Node);
        w.Write(e.NodeAddress);
        w.Write(Akka.Serialization.Serialization.SerializedActorPath(e.Bank));
        ModemSerializer.WriteStatus(w, e.Status);
        WriteOptionalRef(w, e.Router);
    }

    private ModuleEntry ReadEntry(BinaryReader r) =>
        new(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadString(), Resolve(r.ReadString()), ModemSerializer.ReadStatus(r), ReadOptionalRef(r));

    private static void WriteOptionalRef(BinaryWriter w, IActorRef? actor)
    {
        w.Write(actor is not null);
        if (actor is not null) w.Write(Akka.Serialization.Serialization.SerializedActorPath(actor));
    }

    private IActorRef? ReadOptionalRef(BinaryReader r) => r.ReadBoolean() ? Resolve(r.ReadString()) : null;
}
