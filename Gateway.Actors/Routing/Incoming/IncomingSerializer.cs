using System.Collections.Immutable;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
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
        WriteTime(w, k.KeptAt);
        w.Write(k.Module);
        w.Write(k.Group);
        WriteNullable(w, k.Sender);
        w.Write(k.Timestamp is not null);
        if (k.Timestamp is { } t) WriteTime(w, t);
        WriteNullable(w, k.Text);
        WriteNullable(w, k.PduHex);
        w.Write(k.RuleIndex is not null);
        if (k.RuleIndex is { } rule) w.Write7BitEncodedInt(rule);
        WriteNullable(w, k.Problem);
        w.Write7BitEncodedInt(k.Parts);
        var missing = k.MissingParts.IsDefault ? [] : k.MissingParts;
        w.Write7BitEncodedInt(missing.Length);
        foreach (var m in missing) w.Write7BitEncodedInt(m);
    }

    private static KeptSms ReadKept(BinaryReader r)
    {
        var format = r.ReadByte();
        if (format != RecordFormat) throw new SerializationException($"unknown kept-SMS format {format}");
        var deliveryId = r.ReadString();
        var reason = (KeptReason)r.ReadByte();
        var keptAt = ReadTime(r);
        var module = r.ReadString();
        var group = r.ReadString();
        var sender = ReadNullable(r);
        DateTimeOffset? timestamp = r.ReadBoolean() ? ReadTime(r) : null;
        var text = ReadNullable(r);
        var pdu = ReadNullable(r);
        int? rule = r.ReadBoolean() ? r.Read7BitEncodedInt() : null;
        var problem = ReadNullable(r);
        var parts = r.Read7BitEncodedInt();
        var missing = new int[Count(r)];
        for (var i = 0; i < missing.Length; i++) missing[i] = r.Read7BitEncodedInt();
        return new KeptSms(deliveryId, reason, keptAt, module, group, sender, timestamp, text, pdu, rule, problem, parts, [.. missing]);
    }

    private static void WriteMany(BinaryWriter w, IReadOnlyCollection<KeptSms> records)
    {
        w.Write7BitEncodedInt(records.Count);
        foreach (var k in records) WriteKept(w, k);
    }

    private static ImmutableArray<KeptSms> ReadMany(BinaryReader r)
    {
        var count = Count(r);
        var builder = ImmutableArray.CreateBuilder<KeptSms>(count);
        for (var i = 0; i < count; i++) builder.Add(ReadKept(r));
        return builder.MoveToImmutable();
    }

    private static int Count(BinaryReader r)
    {
        var count = r.Read7BitEncodedInt();
        if (count < 0 || count > r.BaseStream.Length - r.BaseStream.Position)
            throw new SerializationException($"incoming-ledger data claims {count} items but is shorter than that");
        return count;
    }

    private static void WriteTime(BinaryWriter w, DateTimeOffset t)
    {
        w.Write(t.UtcTicks);
        w.Write((short)t.Offset.TotalMinutes);
    }

    private static DateTimeOffset ReadTime(BinaryReader r)
    {
        var ticks = r.ReadInt64();
        var offset = TimeSpan.FromMinutes(r.ReadInt16());
        return new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(offset);
    }

    private static void WriteNullable(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null) w.Write(s);
    }

    private static string? ReadNullable(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;
}
