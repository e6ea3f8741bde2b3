using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using Gateway.Serialization;
using SerializationException = System.Runtime.Serialization.SerializationException;

namespace Gateway.Routing.Incoming;

/// <summary>
/// Compact binary form of every <see cref="IIncomingSerializable"/>: the incoming ledger's records
/// (its journal events), its snapshot and its messages. Short manifests with a version digit, so
/// the format can change later without breaking stored journals. Bound in HOCON (<see cref="Hocon"/>).
/// </summary>
public sealed class IncomingSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>This serializer's id in <c>akka.actor.serialization-identifiers</c>; stored with every event, never change it.</summary>
    public const int Id = 4121;

    public const string Hocon = """
        akka.actor {
          serializers.gateway-incoming = "Gateway.Routing.Incoming.IncomingSerializer, Gateway.Actors"
          serialization-bindings { "Gateway.Routing.Incoming.IIncomingSerializable, Gateway.Actors" = gateway-incoming }
          serialization-identifiers { "Gateway.Routing.Incoming.IncomingSerializer, Gateway.Actors" = 4121 }
        }
        """;

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        KeptSms => "K1",
        IncomingLedgerSnapshot => "S1",
        KeepSms => "C1",
        ListKeptSms => "C2",
        SmsKept => "R1",
        SmsNotKept => "R2",
        KeptSmsList => "R3",
        _ => throw new ArgumentException($"{o.GetType()} is not written by {nameof(IncomingSerializer)}", nameof(o)),
    };

    public override byte[] ToBinary(object obj)
    {
        using var stream = new MemoryStream(256);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case KeptSms k: WriteKept(w, k); break;
                case IncomingLedgerSnapshot s: WriteMany(w, s.Records); break;
                case KeepSms c: WriteKept(w, c.Record); break;
                case ListKeptSms c:
                    w.Write(c.Reason is null ? (byte)255 : (byte)c.Reason.Value);
                    w.Write7BitEncodedInt(c.Limit);
                    break;
                case SmsKept m: w.Write(m.DeliveryId); break;
                case SmsNotKept m: w.Write(m.DeliveryId); w.Write(m.Reason); break;
                case KeptSmsList m: WriteMany(w, m.Records); w.Write7BitEncodedInt(m.Total); break;
                default: throw new ArgumentException($"{obj.GetType()} is not written by {nameof(IncomingSerializer)}", nameof(obj));
            }
        }
        return stream.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        using var r = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        return manifest switch
        {
            "K1" => ReadKept(r),
            "S1" => new IncomingLedgerSnapshot(ReadMany(r)),
            "C1" => new KeepSms(ReadKept(r)),
            "C2" => new ListKeptSms(r.ReadByte() is var b && b == 255 ? null : (KeptReason)b, r.Read7BitEncodedInt()),
            "R1" => new SmsKept(r.ReadString()),
            "R2" => new SmsNotKept(r.ReadString(), r.ReadString()),
            "R3" => new KeptSmsList(ReadMany(r), r.Read7BitEncodedInt()),
            _ => throw new SerializationException($"unknown incoming-ledger manifest \"{manifest}\""),
        };
    }

    private const byte RecordFormat = 1;

    private static void WriteKept(BinaryWriter w, KeptSms k)
    {
        w.Write(RecordFormat);
        w.Write(k.DeliveryId);
        w.Write((byte)k.Reason);
        w.WriteTime(k.KeptAt);
        w.Write(k.Module);
        w.Write(k.Group);
        w.WriteNullableString(k.Sender);
        w.WriteOptionalTime(k.Timestamp);
        w.WriteNullableString(k.Text);
        w.WriteNullableString(k.PduHex);
        w.Write(k.RuleIndex is not null);
        if (k.RuleIndex is { } rule) w.Write7BitEncodedInt(rule);
        w.WriteNullableString(k.Problem);
        w.Write7BitEncodedInt(k.Parts);
        w.Write7BitEncodedInts(k.MissingParts);
    }

    private static KeptSms ReadKept(BinaryReader r)
    {
        var format = r.ReadByte();
        if (format != RecordFormat) throw new SerializationException($"unknown kept-SMS format {format}");
        var deliveryId = r.ReadString();
        var reason = (KeptReason)r.ReadByte();
        var keptAt = r.ReadTime();
        var module = r.ReadString();
        var group = r.ReadString();
        var sender = r.ReadNullableString();
        var timestamp = r.ReadOptionalTime();
        var text = r.ReadNullableString();
        var pdu = r.ReadNullableString();
        int? rule = r.ReadBoolean() ? r.Read7BitEncodedInt() : null;
        var problem = r.ReadNullableString();
        var parts = r.Read7BitEncodedInt();
        var missing = r.Read7BitEncodedInts();
        return new KeptSms(deliveryId, reason, keptAt, module, group, sender, timestamp, text, pdu, rule, problem, parts, missing);
    }

    private static void WriteMany(BinaryWriter w, IReadOnlyCollection<KeptSms> records) => w.WriteList(records, WriteKept);

    private static ImmutableArray<KeptSms> ReadMany(BinaryReader r) => r.ReadList(ReadKept);
}
