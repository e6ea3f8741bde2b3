using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Gateway.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace Gateway.Routing;

/// <summary>
/// Compact binary form of every <see cref="IRoutingSerializable"/>: the sent-parts index's journal
/// events and its snapshot (<see cref="SentPartsLedger"/>). Short manifests with a version digit,
/// so a format can change later without breaking stored journals. Bound in HOCON (<see cref="Hocon"/>).
/// </summary>
public sealed class RoutingSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>This serializer's id in <c>akka.actor.serialization-identifiers</c>; stored with every event, never change it.</summary>
    public const int Id = 4110;

    /// <summary>Binds this serializer to <see cref="IRoutingSerializable"/>.</summary>
    public const string Hocon = """
        akka.actor {
          serializers.gateway-routing = "Gateway.Routing.RoutingSerializer, Gateway.Actors"
          serialization-bindings { "Gateway.Routing.IRoutingSerializable, Gateway.Actors" = gateway-routing }
          serialization-identifiers { "Gateway.Routing.RoutingSerializer, Gateway.Actors" = 4110 }
        }
        """;

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        PartsSent => "P1",
        PartReported => "R1",
        ResolutionReported => "D1",
        ResolutionsReported => "D2",
        SentPartsLedger => "L1",
        RecordSentParts => "X1",
        SentPartsRecorded => "X2",
        _ => throw new ArgumentException($"{o.GetType()} is not written by {nameof(RoutingSerializer)}", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream(128);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case PartsSent e:
                    WritePartsSent(w, e);
                    break;
                case PartReported e:
                    w.Write((short)e.Reference);
                    w.Write(e.JobId);
                    w.Write((byte)e.Status);
                    w.WriteTime(e.Discharge);
                    w.WriteTime(e.At);
                    break;
                case ResolutionReported e:
                    w.Write(e.JobId);
                    break;
                case ResolutionsReported e:
                    w.WriteStrings(e.JobIds);
                    break;
                case SentPartsLedger l:
                    WriteLedger(w, l);
                    break;
                case RecordSentParts m:
                    w.Write(m.Module);
                    WritePartsSent(w, m.Parts);
                    break;
                case SentPartsRecorded m:
                    w.Write(m.Module);
                    w.Write(m.JobId);
                    break;
                default:
                    throw new ArgumentException($"{obj.GetType()} is not written by {nameof(RoutingSerializer)}", nameof(obj));
            }
        }
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        return manifest switch
        {
            "P1" => ReadPartsSent(r),
            "X1" => new RecordSentParts(r.ReadString(), ReadPartsSent(r)),
            "X2" => new SentPartsRecorded(r.ReadString(), r.ReadString()),
            "R1" => new PartReported(r.ReadInt16(), r.ReadString(), r.ReadByte(), r.ReadTime(), r.ReadTime()),
            "D1" => new ResolutionReported(r.ReadString()),
            "D2" => new ResolutionsReported(r.ReadStrings()),
            "L1" => ReadLedger(r),
            _ => throw new SerializationException($"unknown manifest \"{manifest}\" for {nameof(RoutingSerializer)}"),
        };
    }

    private static void WritePartsSent(BinaryWriter w, PartsSent e)
    {
        w.Write(e.User);
        w.Write(e.JobId);
        w.Write(e.Destination);
        w.Write(e.Preview);
        w.WriteList(e.References, static (x, mr) => x.Write((short)mr));
        w.WriteTime(e.At);
    }

    private static PartsSent ReadPartsSent(BinaryReader r) =>
        new(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadString(), ReadReferences(r), r.ReadTime());

    /// <summary>TP-MRs as 2-byte ints (the modem's message lists write 4 bytes each; this layout is the index's own).</summary>
    private static ImmutableArray<int> ReadReferences(BinaryReader r) => r.ReadList(static x => (int)x.ReadInt16());

    private static void WriteLedger(BinaryWriter w, SentPartsLedger l)
    {
        w.Write(l.Module);
        w.Write7BitEncodedInt(l.Parts.Count);
        foreach (var (mr, p) in l.Parts) // in TP-MR order
        {
            w.Write((short)mr);
            w.Write(p.User);
            w.Write(p.JobId);
            w.Write7BitEncodedInt(p.PartIndex);
            w.Write7BitEncodedInt(p.PartCount);
            w.Write(p.Destination);
            w.Write(p.Preview);
            w.WriteTime(p.SentAt);
            w.Write((byte)p.Outcome);
            w.Write((short)(p.Status ?? -1));
            w.Write(p.Resolved);
        }
        w.Write7BitEncodedInt(l.Unreported.Count);
        foreach (var u in l.Unreported.Values.OrderBy(u => u.At))
        {
            w.Write(u.User);
            w.Write(u.JobId);
            w.Write(u.Destination);
            w.Write(u.Module);
            w.Write(u.Delivered);
            w.Write(u.Detail);
            w.Write(u.Preview);
            w.WriteTime(u.At);
        }
    }

    private static SentPartsLedger ReadLedger(BinaryReader r)
    {
        var module = r.ReadString();
        var parts = new List<KeyValuePair<int, SentPart>>();
        for (int i = 0, n = r.Read7BitEncodedInt(); i < n; i++)
        {
            int mr = r.ReadInt16();
            var user = r.ReadString();
            var job = r.ReadString();
            var index = r.Read7BitEncodedInt();
            var count = r.Read7BitEncodedInt();
            var destination = r.ReadString();
            var preview = r.ReadString();
            var sentAt = r.ReadTime();
            var outcome = (PartOutcome)r.ReadByte();
            var status = r.ReadInt16();
            var resolved = r.ReadBoolean();
            parts.Add(new(mr, new SentPart(user, job, index, count, destination, preview, sentAt, outcome, status < 0 ? null : status, resolved)));
        }
        var unreported = ImmutableDictionary.CreateBuilder<string, JobResolution>(StringComparer.Ordinal);
        for (int i = 0, n = r.Read7BitEncodedInt(); i < n; i++)
        {
            var u = new JobResolution(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadString(), r.ReadBoolean(), r.ReadString(), r.ReadString(), r.ReadTime());
            unreported[u.JobId] = u;
        }
        return new SentPartsLedger(module, PartTable.Empty.With(parts), unreported.ToImmutable());
    }
}
